import type { Stack } from '../stack/resolve.js';
import type { ContainerSpec } from './containers.js';
import { grafanaComposeEnvNames, grafanaComposeService } from './grafana/compose-service.js';

/**
 * A compose file equivalent to what `telemetry-stack up` creates on the docker runtime, for people
 * who prefer `docker compose up`. Secrets stay `${NAME}` references filled from .env. The grafana
 * service sits in a profile of its own: only `docker compose --profile grafana up` starts it.
 */
export function renderCompose(stack: Stack, specs: ContainerSpec[], toolVersion: string): Record<string, unknown> {
  const services: Record<string, unknown> = {};
  for (const spec of specs) {
    services[spec.service] = {
      image: spec.image,
      container_name: spec.name,
      ...(spec.command.length > 0 ? { command: spec.command } : {}),
      network_mode: 'host',
      restart: 'unless-stopped',
      ...(Object.keys(spec.env).length > 0 ? { environment: spec.env } : {}),
      volumes: [...spec.volumes.map((v) => `${v.volume}:${v.target}`), ...spec.files.map((f) => `./${f.source}:${f.target}:ro`)],
      mem_limit: `${spec.memoryLimitMiB}m`,
      ...(spec.healthcheck
        ? {
            healthcheck: {
              test: spec.healthcheck.test,
              interval: `${spec.healthcheck.intervalSeconds}s`,
              timeout: `${spec.healthcheck.timeoutSeconds}s`,
              retries: spec.healthcheck.retries,
              start_period: `${spec.healthcheck.startPeriodSeconds}s`,
            },
          }
        : {}),
      ...(spec.dependsOn.length > 0
        ? {
            depends_on: Object.fromEntries(spec.dependsOn.map((d) => [d, { condition: specs.find((s) => s.service === d)?.healthcheck ? 'service_healthy' : 'service_started' }])),
          }
        : {}),
      labels: spec.labels,
    };
  }
  const grafana = grafanaComposeService(stack, toolVersion);
  services['grafana'] = grafana.service;
  const volumes = { ...Object.fromEntries(specs.flatMap((s) => s.volumes.map((v) => [v.volume, { name: v.volume, labels: s.labels }]))), ...grafana.volume };
  return { name: `telemetry-stack-${stack.name}`, services, volumes };
}

/** The variables compose needs, with how to make each; written as .env.template. */
export function renderEnvTemplate(stack: Stack, specs: ContainerSpec[]): string {
  // The grafana profile's admin password, and the variables its data source reads.
  const names = new Set<string>(grafanaComposeEnvNames(stack));
  for (const spec of specs) {
    for (const value of Object.values(spec.env)) {
      for (const m of value.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) names.add(m[1]!);
    }
  }
  const lines = ['# Copy to .env beside compose.yaml and fill in. Generate secrets with: openssl rand -hex 32', '# Keep .env out of version control (mode 0600).'];
  for (const name of [...names].sort()) lines.push(`${name}=`);
  return lines.join('\n') + '\n';
}
