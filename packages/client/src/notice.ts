import { updateConfigFile } from './config-file.js';
import type { ConsentOptions, SenderOptions } from './options.js';
import { envPrefix } from './service-name.js';
import { resolveEndpoint, telemetryContext } from './settings.js';

export interface NoticeOptions extends ConsentOptions, Pick<SenderOptions, 'endpoint'> {
  /** The command that turns telemetry off, as the host spells it. Default `<service> telemetry disable`. */
  disableCommand?: string;
}

export function noticeText(service: string, disableCommand: string): string {
  const variable = `${envPrefix(service)}_TELEMETRY`;
  return [
    `${service} sends anonymous usage data: the name of each command you run (never its arguments),`,
    `its exit code, the ${service} version and a random id created on this machine.`,
    `To turn this off, run \`${disableCommand}\` or set ${variable}=0 (DO_NOT_TRACK=1 also works).`,
  ].join('\n');
}

/**
 * The notice text the first time it applies, then undefined. The host prints it (to stderr, typically);
 * this library never prints. Nothing is shown when telemetry is off or has no endpoint to go to, since
 * then nothing is sent and there is nothing to tell.
 * Being shown is recorded in the config file; if that write fails the text is still returned, and will
 * be again next run, which is the safer way to be wrong.
 */
export function firstRunNotice(options: NoticeOptions): string | undefined {
  try {
    const context = telemetryContext(options);
    if (!context.consent().enabled) return undefined;
    if (!resolveEndpoint(context, options.endpoint).url) return undefined;
    const read = context.readConfig();
    if (read.state === 'ok' && read.config.noticeShownAt !== undefined) return undefined;
    try {
      updateConfigFile(context.configPath, { noticeShownAt: new Date().toISOString() });
    } catch {
      // See above: showing it twice beats never showing it.
    }
    return noticeText(context.service, options.disableCommand ?? `${context.service} telemetry disable`);
  } catch {
    return undefined;
  }
}
