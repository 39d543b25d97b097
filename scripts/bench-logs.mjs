#!/usr/bin/env node
/**
 * Log throughput of `sprawl logs` (which decodes two levels by default): a plain log of 512 MB and one of
 * 2 GB, to show that memory does not grow with the file, and a gzip-compressed 1 GB log. The logs are
 * generated once (application log lines with request ids, JSON lines, a few fake tokens, some of them
 * base64- or URL-encoded) and cached in the temp dir.
 *
 *   node scripts/bench-logs.mjs            # 512 MB and 2 GB plain, 1 GB gzip
 *   node scripts/bench-logs.mjs --gb 4     # a bigger plain log
 */
import { closeSync, createWriteStream, existsSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { benchOptions, repoRoot, reportMachineSpeed, runMeasured } from './bench-support.mjs';

const values = benchOptions({ gb: { type: 'string', default: '2' } });

async function main() {
  reportMachineSpeed();
  const small = await report('plain log', await ensureLog(512, false));
  const large = await report('plain log', await ensureLog(Number(values.gb) * 1024, false));
  const growth = large.peakRssMb / small.peakRssMb;
  console.log(`memory growth for a ${(large.bytes / small.bytes).toFixed(0)}x larger log: ${growth.toFixed(2)}x peak RSS (${growth <= 1.25 ? 'flat: OK' : 'GROWS'})`);
  await report('gzip log', await ensureLog(1024, true));
}

async function report(label, file) {
  const result = await runMeasured(['logs', file]);
  console.log(`logs: ${label} ${file}`);
  console.log(`  ${(result.bytes / 1e6).toFixed(0)} MB (decompressed) in ${result.seconds.toFixed(1)} s = ${(result.bytes / 1e6 / result.seconds).toFixed(1)} MB/s, peak RSS ${result.peakRssMb.toFixed(0)} MB, ${result.findings} findings`);
  return result;
}

async function ensureLog(sizeMb, compressed) {
  const file = path.join(tmpdir(), `sprawl-bench-log-${sizeMb}mb-v1.log${compressed ? '.gz' : ''}`);
  if (existsSync(`${file}.complete`)) return file;
  console.log(`generating ${file} ...`);
  const { generateFake, SeededRandom } = await import(path.join(repoRoot, 'dist/ruleset/fake-secrets.js'));
  const random = new SeededRandom('bench-logs');
  const token = () => generateFake({ id: 'bench', fake: 'ghp_[A-Za-z0-9]{30}', validator: 'github-crc32' }, random);
  const block = (blockIndex) => {
    const lines = [];
    for (let index = 0; index < 8000; index++) {
      const id = (blockIndex * 8000 + index).toString(16).padStart(12, '0');
      lines.push(
        index % 3 === 0
          ? `{"ts":"2026-11-29T12:00:00Z","level":"info","msg":"request done","request_id":"${id}","path":"/v1/items/${index}","status":200,"ms":${index % 900}}`
          : `2026-11-29T12:00:00Z INFO api.request request_id=${id} user=u${index % 9999} path=/v1/orders/${index} status=200 took=${index % 700}ms`,
      );
    }
    if (blockIndex % 50 === 7) lines.push(`2026-11-29T12:00:01Z DEBUG outbound headers={"Authorization": "token ${token()}"}`);
    if (blockIndex % 50 === 23) lines.push(`2026-11-29T12:00:02Z DEBUG config=${Buffer.from(JSON.stringify({ github: { token: token() } })).toString('base64')}`);
    return `${lines.join('\n')}\n`;
  };
  const target = sizeMb * 1024 * 1024;
  if (compressed) {
    const output = createWriteStream(file);
    const gzip = createGzip({ level: 1 });
    gzip.pipe(output);
    for (let written = 0, blockIndex = 0; written < target; blockIndex++) {
      const text = block(blockIndex);
      if (!gzip.write(text)) await new Promise((resolve) => gzip.once('drain', resolve));
      written += text.length;
    }
    await new Promise((resolve) => {
      output.on('close', resolve);
      gzip.end();
    });
  } else {
    const fd = openSync(file, 'w');
    for (let written = 0, blockIndex = 0; written < target; blockIndex++) {
      const text = block(blockIndex);
      writeSync(fd, text);
      written += text.length;
    }
    closeSync(fd);
  }
  writeFileSync(`${file}.complete`, '');
  return file;
}

main().catch((error) => {
  console.error(`bench-logs: ${error.message}`);
  process.exit(1);
});
