import pinsFile from '../configs/pins.json' with { type: 'json' };

export interface Pins {
  collectorVersion: string;
  images: { collector: string; clickhouse: string; loki: string; grafana: string; node: string };
  /** Grafana plugin versions the compose file's grafana profile installs, by plugin. */
  grafanaPlugins: { clickhouse: string };
  /** Tags of the images `telemetry-stack images build` builds on this machine. */
  localImages: { collector: string; chdbServer: string };
}

/**
 * Image tags and versions live in configs/pins.json so one file bumps them all. Imported as a
 * module, not read from disk, so renderers that name an image stay free of I/O.
 */
export const pins: Pins = pinsFile;
