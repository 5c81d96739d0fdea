import { readFileSync } from 'node:fs';
import { packagePath } from './paths.js';

export interface Pins {
  collectorVersion: string;
  images: { collector: string; clickhouse: string; loki: string; grafana: string; node: string };
  /** Grafana plugin versions the compose file's grafana profile installs, by plugin. */
  grafanaPlugins: { clickhouse: string };
  /** Tags of the images `telemetry-stack images build` builds on this machine. */
  localImages: { collector: string; chdbServer: string };
}

/** Image tags and versions live in configs/pins.json so one file bumps them all. */
export const pins: Pins = JSON.parse(readFileSync(packagePath('configs', 'pins.json'), 'utf8')) as Pins;
