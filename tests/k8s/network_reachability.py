"""Whether a set of NetworkPolicies lets one connection through, decided as Kubernetes does.

A pod is isolated in a direction when a policy of its namespace selects it for that direction;
an isolated pod accepts only what some rule of a selecting policy allows, and a connection
needs both the source's egress and the destination's ingress. Covered: pod and namespace
selectors (matchLabels, matchExpressions), rules without peers or without ports. An `ipBlock`
peer is refused with ValueError rather than guessed at.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Manifest = dict[str, Any]
Direction = Literal["Ingress", "Egress"]
Port = tuple[int, str]
"""A port number and its protocol."""


@dataclass(frozen=True)
class Endpoint:
    """A pod (its labels, its namespace) or, with no namespace, an address outside the cluster."""

    namespace: str | None
    labels: Mapping[str, str] = field(default_factory=dict)


def selector_matches(selector: Manifest, labels: Mapping[str, str]) -> bool:
    """Tell whether a label selector (matchLabels and matchExpressions) selects these labels."""
    for key, value in selector.get("matchLabels", {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions", []):
        key, operator = expression["key"], expression["operator"]
        values = expression.get("values", [])
        matched = {
            "In": key in labels and labels[key] in values,
            "NotIn": key not in labels or labels[key] not in values,
            "Exists": key in labels,
            "DoesNotExist": key not in labels,
        }[operator]
        if not matched:
            return False
    return True


def connection_allowed(
    policies: Iterable[Manifest],
    source: Endpoint,
    destination: Endpoint,
    port: int,
    protocol: str = "TCP",
) -> bool:
    """Tell whether source may open a connection to destination's port under these policies."""
    policies = list(policies)
    target = (port, protocol)
    return _allows(policies, "Egress", source, destination, target) and _allows(
        policies, "Ingress", destination, source, target
    )


def _allows(
    policies: list[Manifest], direction: Direction, subject: Endpoint, peer: Endpoint, port: Port
) -> bool:
    if subject.namespace is None:
        return True  # an address outside the cluster is governed by no policy
    selecting = [
        policy
        for policy in policies
        if policy["metadata"].get("namespace") == subject.namespace
        and direction in _policy_types(policy)
        and selector_matches(policy["spec"]["podSelector"], subject.labels)
    ]
    if not selecting:
        return True
    rules_key, peers_key = ("egress", "to") if direction == "Egress" else ("ingress", "from")
    return any(
        _rule_allows(rule, peers_key, subject.namespace, peer, port)
        for policy in selecting
        for rule in policy["spec"].get(rules_key, [])
    )


def _policy_types(policy: Manifest) -> list[str]:
    declared = policy["spec"].get("policyTypes")
    if declared is not None:
        return list(declared)
    return ["Ingress", "Egress"] if "egress" in policy["spec"] else ["Ingress"]


def _rule_allows(
    rule: Manifest, peers_key: str, namespace: str, peer: Endpoint, port: Port
) -> bool:
    number, protocol = port
    ports = rule.get("ports") or []
    port_allowed = not ports or any(
        entry.get("protocol", "TCP") == protocol and entry.get("port", number) == number
        for entry in ports
    )
    peers = rule.get(peers_key) or []
    peer_allowed = not peers or any(_peer_matches(spec, namespace, peer) for spec in peers)
    return port_allowed and peer_allowed


def _peer_matches(spec: Manifest, policy_namespace: str, peer: Endpoint) -> bool:
    if "ipBlock" in spec:
        raise ValueError("ipBlock peers are not evaluated; extend network_reachability first")
    if peer.namespace is None:
        return False
    namespace_selector = spec.get("namespaceSelector")
    in_namespace = (
        peer.namespace == policy_namespace
        if namespace_selector is None
        else selector_matches(namespace_selector, {"kubernetes.io/metadata.name": peer.namespace})
    )
    pod_selector = spec.get("podSelector")
    return in_namespace and (pod_selector is None or selector_matches(pod_selector, peer.labels))
