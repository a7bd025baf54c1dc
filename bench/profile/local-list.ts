// CPU and wall time of LocalFileSystemBackend.list() over one hour folder of id files, as late in a busy hour
// (default 3 partitions x 6,000 batches = 18,000 files):
//   TS_NODE_PROJECT=bench/profile/tsconfig.json node -r ts-node/register -r tsconfig-paths/register bench/profile/local-list.ts [files per partition]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalFileSystemBackend } from '../../libs/storage/src/lib/local-file-system-backend';

async function main(): Promise<void> {
  const perPartition = Number(process.argv[2] ?? 6_000);
  const root = join(tmpdir(), `local-list-${process.pid}`);
  const folder = 'ids/year=2026/month=12/day=03/hour=03';
  mkdirSync(join(root, folder), { recursive: true });
  try {
    for (let partition = 0; partition < 3; partition++) {
      for (let i = 0; i < perPartition; i++) {
        writeFileSync(join(root, folder, `ecommerce.events+${partition}+${String(i * 3_000).padStart(20, '0')}.ids`), '');
      }
    }
    const backend = new LocalFileSystemBackend(root);
    for (let round = 0; round < 5; round++) {
      const cpu = process.cpuUsage();
      const started = process.hrtime.bigint();
      const listings = 20;
      let keys = 0;
      for (let i = 0; i < listings; i++) keys = (await backend.list(folder)).length;
      const used = process.cpuUsage(cpu);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6 / listings;
      console.log(`${keys} keys: ${wallMs.toFixed(1)} ms wall, ${((used.user + used.system) / 1000 / listings).toFixed(1)} ms CPU per listing`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

void main();
