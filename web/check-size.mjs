// web/check-size.mjs: the console's budget (issue 13): its JS + CSS at most
// 150 KB gzipped. Usage: node web/check-size.mjs DIST [LIMIT_BYTES]
// Exits 1 over the budget (a limit of a few bytes shows the check can fail).
import { readdirSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

const dist = process.argv[2];
const limit = Number(process.argv[3] ?? 150 * 1024);
let total = 0;
for (const f of readdirSync(join(dist, "assets"))) {
  if (!/\.(js|css)$/.test(f)) continue;
  const gz = gzipSync(readFileSync(join(dist, "assets", f)), { level: 9 }).length;
  console.log(`${f}: ${gz} bytes gzipped`);
  total += gz;
}
if (total === 0) {
  console.error("no JS or CSS found in " + dist);
  process.exit(1);
}
console.log(`total ${total} bytes gzipped; budget ${limit}`);
process.exit(total <= limit ? 0 : 1);
