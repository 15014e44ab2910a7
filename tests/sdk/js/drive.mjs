// Run one videoInference through @runware/sdk-js, unmodified, and print one JSON line.
//
// Usage: node drive.mjs '<json>' where the JSON object holds url (the WebSocket endpoint),
// apiKey and task (the videoInference fields), optionally timeoutMs and options (more
// constructor options of the SDK, e.g. heartbeatInterval). The outcome is {"ok": true,
// "results": [...]} or {"ok": false, "error": {...the SDK's error object...}, "message": "..."},
// plus "elapsed" (seconds); the exit code is 0 either way, non-zero only when this script
// itself breaks.
import { Runware } from "@runware/sdk-js";

const { url, apiKey, task, timeoutMs = 30000, options = {} } = JSON.parse(process.argv[2]);
const runware = new Runware({
  apiKey, url, timeoutDuration: timeoutMs, globalMaxRetries: 1, ...options,
});
const started = Date.now();

function describe(error) {
  if (error && typeof error === "object" && "error" in error) {
    return { error: error.error, message: error.error?.message ?? String(error) };
  }
  return { error: null, message: error instanceof Error ? error.message : String(error) };
}

let outcome;
try {
  const results = await runware.videoInference(task);
  outcome = { ok: true, results: Array.isArray(results) ? results : [results] };
} catch (error) {
  outcome = { ok: false, ...describe(error) };
}
outcome.elapsed = (Date.now() - started) / 1000;
process.stdout.write(JSON.stringify(outcome) + "\n");
await runware.disconnect();
process.exit(0);
