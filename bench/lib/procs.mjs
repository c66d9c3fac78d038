// The server's process group as /proc sees it: wrangler and the workerd processes it spawned share the
// group whose id is wrangler's pid (bench/lib/server.mjs starts it detached).
import { readdirSync, readFileSync } from 'node:fs';

const TICKS = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s
const PAGE = 4096;

/**
 * CPU seconds and resident bytes of every live process in the group: `cpu` is their own time (utime +
 * stime), `childCpu` what their exited children used (cutime + cstime), `rss` their resident memory.
 */
export function groupUsage(pgid) {
  let cpu = 0;
  let childCpu = 0;
  let rss = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from #3 (state) on
    if (Number(f[2]) !== pgid) continue; // #5 pgrp
    cpu += (Number(f[11]) + Number(f[12])) / TICKS; // #14 utime, #15 stime
    childCpu += (Number(f[13]) + Number(f[14])) / TICKS; // #16 cutime, #17 cstime
    rss += Number(f[21]) * PAGE; // #24 rss pages
  }
  return { cpu, childCpu, rss };
}

/**
 * CPU seconds of every thread in the group, by "pid/tid". workerd runs an isolate's JavaScript, its Durable
 * Objects and (locally) the D1 and queue simulators on one event-loop thread per process, so the busiest
 * thread, not the group's sum, is what caps a local run's throughput.
 */
export function threadUsage(pgid) {
  const out = new Map();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let tasks;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) !== pgid) continue;
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        const f = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const x = f.slice(f.lastIndexOf(')') + 2).split(' ');
        out.set(`${pid}/${tid}`, (Number(x[11]) + Number(x[12])) / TICKS);
      } catch {
        // exited meanwhile
      }
    }
  }
  return out;
}
