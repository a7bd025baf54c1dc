// Preload (node --require) that samples every allocation site from start to exit, the collected objects included
// (so it shows what a process allocates, not what it keeps), and writes $HEAP_PROFILE_FILE (%p = pid) at exit:
// open it in Chrome DevTools (Memory tab) or sum it with bench/profile/heap-sites.cjs.
//   node bench/run.mjs --scenarios ab --variant 'heap=dist/apps/processor/main.js@NODE_OPTIONS=--max-old-space-size=384 --max-semi-space-size=32 --require '"$PWD"'/bench/profile/heap-sampling-on-exit.cjs,HEAP_PROFILE_FILE='"$PWD"'/tmp/prof/h-%p.heapprofile'
const inspector = require('node:inspector');
const { writeFileSync } = require('node:fs');

const session = new inspector.Session();
session.connect();
session.post('HeapProfiler.startSampling', {
  samplingInterval: Number(process.env.HEAP_SAMPLING_INTERVAL || 32768),
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
let written = false;
function writeProfile() {
  if (written) return;
  written = true;
  session.post('HeapProfiler.stopSampling', (error, result) => {
    if (!error) writeFileSync((process.env.HEAP_PROFILE_FILE || 'heap-%p.heapprofile').replace('%p', String(process.pid)), JSON.stringify(result.profile));
  });
}
process.on('SIGUSR2', writeProfile);
process.once('exit', writeProfile);
