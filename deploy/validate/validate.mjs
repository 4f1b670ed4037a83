// Validates emostream's deployment files (run by .ci/run: `npm ci && node validate.mjs`):
// - every Kubernetes and KEDA object in deploy/k8s/**/*.yaml against its OpenAPI schema (kubernetes-models);
// - the Grafana dashboard's queries name only metrics the service exports (StreamMetrics) or well-known ones.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import yaml from "js-yaml";

const deploy = join(dirname(fileURLToPath(import.meta.url)), "..");
const home = join(deploy, "..");
const failures = [];

function files(dir, ending) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "node_modules" ? [] : files(path, ending);
    return path.endsWith(ending) ? [path] : [];
  });
}

async function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "keda.sh") return (await import(`@kubernetes-models/keda/keda.sh/${version}`))[kind];
  const module = group === "" ? `kubernetes-models/${version}` : `kubernetes-models/${group}/${version}`;
  return (await import(module))[kind];
}

let objects = 0;
for (const file of files(join(deploy, "k8s"), ".yaml")) {
  for (const doc of yaml.loadAll(readFileSync(file, "utf8"))) {
    if (!doc) continue;
    const where = `${file.slice(home.length + 1)}: ${doc.kind} ${doc.metadata?.name}`;
    const Model = await modelFor(doc.apiVersion, doc.kind).catch(() => undefined);
    if (!Model) {
      failures.push(`${where}: no schema for ${doc.apiVersion} ${doc.kind}`);
      continue;
    }
    try {
      new Model(doc).validate();
      objects++;
    } catch (e) {
      failures.push(`${where}: ${e.message}`);
    }
  }
}

// Metric names the service registers: the constants of StreamMetrics, with Micrometer's Prometheus suffixes.
const metricsSource = readFileSync(join(home, "service/src/main/java/io/emostream/stream/StreamMetrics.java"), "utf8");
const exported = new Set([...metricsSource.matchAll(/static final String \w+ = "(emostream_\w+)"/g)].map((m) => m[1]));
const known = /^(process_cpu_usage|jvm_\w+|kafka_\w+|up|kube_\w+)$/;
let queries = 0;
for (const file of files(join(deploy, "monitoring"), ".json")) {
  const dashboard = JSON.parse(readFileSync(file, "utf8"));
  for (const panel of dashboard.panels ?? []) {
    for (const target of panel.targets ?? []) {
      queries++;
      for (const [name] of target.expr.matchAll(/\b(emostream_\w+|process_\w+|jvm_\w+|kafka_\w+)\b/g)) {
        const base = name.replace(/_(seconds_bucket|seconds_count|seconds_sum|seconds_max|seconds|bucket|count|sum|max)$/, "");
        if (!exported.has(base) && !exported.has(name) && !known.test(name)) {
          failures.push(`${file.slice(home.length + 1)}: panel "${panel.title}" queries ${name}, which the service does not export`);
        }
      }
    }
  }
}

if (failures.length) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log(`deploy/: ${objects} Kubernetes/KEDA objects valid, ${queries} dashboard queries name exported metrics`);
