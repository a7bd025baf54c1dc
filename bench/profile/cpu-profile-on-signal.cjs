// Preload (node --require) that CPU-profiles a process from start until SIGUSR2, then writes
// $CPU_PROFILE_FILE (%p in it becomes the pid; open it in Chrome DevTools). For apps that end by a signal, where --cpu-prof writes nothing.
// With CPU_PROFILE_ON_EXIT=1 the profile is (also) written when the process exits, e.g. after the bench's SIGTERM:
//   node bench/run.mjs --processor-env "NODE_OPTIONS=--max-old-space-size=384 --max-semi-space-size=32 --require $PWD/bench/profile/cpu-profile-on-signal.cjs,CPU_PROFILE_FILE=$PWD/tmp/p.cpuprofile,CPU_PROFILE_ON_EXIT=1"
const inspector = require('node:inspector');
const { writeFileSync } = require('node:fs');

const session = new inspector.Session();
session.connect();
session.post('Profiler.enable', () => session.post('Profiler.start'));
let written = false;
function writeProfile() {
  if (written) return;
  written = true;
  // A session on the same thread answers synchronously, so this also works inside an 'exit' handler.
  session.post('Profiler.stop', (error, result) => {
    if (!error) writeFileSync((process.env.CPU_PROFILE_FILE || 'cpu-%p.cpuprofile').replace('%p', String(process.pid)), JSON.stringify(result.profile));
  });
}
process.on('SIGUSR2', writeProfile);
if (process.env.CPU_PROFILE_ON_EXIT === '1') process.once('exit', writeProfile);
