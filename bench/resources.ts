import { growthMb } from './supervisor.js';

/** CPU and peak memory of this process (every processor runs in it during the benchmark). */
export function startResourceSampler(everyMs = 250) {
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  let peakRss = process.memoryUsage().rss;
  const rssSeries: number[] = [];
  const timer = setInterval(() => {
    const rss = process.memoryUsage().rss;
    peakRss = Math.max(peakRss, rss);
    rssSeries.push(rss);
  }, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      const cpu = process.cpuUsage(cpu0);
      const wallMs = Date.now() - t0;
      return {
        cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
        peakRssMb: peakRss / 1024 / 1024,
        rssGrowthMb: growthMb(rssSeries.map((b) => b / 1024 / 1024)),
      };
    },
  };
}
