# syntax=docker/dockerfile:1
# One image for every Conflux service: `conflux serve --only <service>` (see k8s/).
#   docker build -t conflux:0.1.0 .

# Builder: the project and its dependencies, built as wheels and installed into a virtualenv
# that the runtime stage copies whole. Same base image as the runtime: the virtualenv's
# interpreter is a link to that image's Python.
FROM python:3.11-slim-bookworm AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/conflux
WORKDIR /src
COPY . .
RUN /opt/conflux/bin/pip install .

# Runtime: the virtualenv, tesseract with its French and English models, poppler for PDF
# pages, and an unprivileged user whose numeric id the Kubernetes manifests run as.
FROM python:3.11-slim-bookworm AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng poppler-utils \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --gid 10001 conflux \
    && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /var/lib/conflux \
        --shell /usr/sbin/nologin conflux \
    && install -d -o 10001 -g 10001 /var/lib/conflux
COPY --from=builder /opt/conflux /opt/conflux
ENV PATH=/opt/conflux/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    CONFLUX_DATA_DIR=/var/lib/conflux \
    CONFLUX_LISTEN_ADDRESS=0.0.0.0:50051
WORKDIR /var/lib/conflux
USER 10001:10001
EXPOSE 50051
ENTRYPOINT ["conflux"]
CMD ["serve"]
