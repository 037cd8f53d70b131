// A Conflux client in Node.js, written against the protos and the standard services only
// (server reflection, grpc.health.v1): what an integrator's non-Python code does.
//
//   node examples/node/conflux_client.cjs 127.0.0.1:50051 [SENDER TEXT]
//
// Lists the services by reflection, checks the health of each Conflux service, and, given a
// sender and a text, submits them as an SMS to the ingest service and prints the stored item.
// Dependencies (installed by `make setup` into .tools/): @grpc/grpc-js, @grpc/proto-loader,
// @grpc/reflection (for reflection.proto), grpc-health-check (for health.proto).
"use strict";

const path = require("node:path");
const grpc = require("@grpc/grpc-js");
const loader = require("@grpc/proto-loader");

const address = process.argv[2] || "127.0.0.1:50051";
const [sender, text] = process.argv.slice(3);
const repository = path.resolve(__dirname, "..", "..");
const options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

function load(file, includeDirs) {
  return grpc.loadPackageDefinition(loader.loadSync(file, { ...options, includeDirs }));
}

const reflectionProto = require.resolve(
  "@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto",
);
const healthProto = require.resolve("grpc-health-check/proto/health/v1/health.proto");
const reflection = load(reflectionProto, []).grpc.reflection.v1;
const health = load(healthProto, []).grpc.health.v1;
const ingest = load("conflux/ingest/v1/ingest_service.proto", [path.join(repository, "protos")])
  .conflux.ingest.v1;
const credentials = grpc.credentials.createInsecure();

function listServices() {
  return new Promise((resolve, reject) => {
    const client = new reflection.ServerReflection(address, credentials);
    const call = client.ServerReflectionInfo();
    call.on("data", (response) => {
      resolve(response.list_services_response.service.map((s) => s.name));
      call.end();
    });
    call.on("error", reject);
    call.write({ list_services: "" });
  });
}

function check(service) {
  const client = new health.Health(address, credentials);
  return new Promise((resolve, reject) =>
    client.Check({ service }, (error, response) => (error ? reject(error) : resolve(response.status))),
  );
}

function submitSms(smsSender, smsText) {
  const client = new ingest.IngestService(address, credentials);
  const request = {
    header: { channel: "CHANNEL_SMS", file_name: "node-client" },
    message: { sender: smsSender, body: smsText },
  };
  return new Promise((resolve, reject) =>
    client.SubmitItem(request, (error, response) => (error ? reject(error) : resolve(response))),
  );
}

async function main() {
  const services = (await listServices()).sort();
  for (const service of services) {
    const status = service.startsWith("conflux.") ? await check(service) : "-";
    console.log(`${service}\t${status}`);
  }
  if (sender && text) {
    const response = await submitSms(sender, text);
    console.log(JSON.stringify({ item_id: response.item.item_id, created: response.created }));
  }
}

main().catch((error) => {
  console.error(`conflux_client: ${error.message}`);
  process.exit(1);
});
