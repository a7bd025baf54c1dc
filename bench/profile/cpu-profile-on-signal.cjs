// Preload (node --require) that CPU-profiles a process from start until SIGUSR2, then writes
// $CPU_PROFILE_FILE (open it in Chrome DevTools). For apps that end by a signal, where --cpu-prof writes nothing.
const inspector = require('node:inspector');
const { writeFileSync } = require('node:fs');

const session = new inspector.Session();
session.connect();
session.post('Profiler.enable', () => session.post('Profiler.start'));
process.on('SIGUSR2', () => {
  session.post('Profiler.stop', (error, result) => {
    if (!error) writeFileSync(process.env.CPU_PROFILE_FILE || `cpu-${process.pid}.cpuprofile`, JSON.stringify(result.profile));
  });
});
