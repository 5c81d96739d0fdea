import type { Stack } from '../../stack/resolve.js';
import type { SanitizeChain } from './chain.js';
import { FLATTEN_DEPTH, keptRecordKeys } from './chain.js';
import { enabledProfiles, PROMPT_TEXT_ATTRIBUTES, TOOL_DETAIL_ATTRIBUTES, USER_ID_ATTRIBUTES, type Profile } from './profiles.js';

/** The processor's component id; its keys are documented in collector/processor/sanitizeprocessor/README.md. */
export const SANITIZE_PROCESSOR_ID = 'sanitize';

/** One processor source per alternative of the profile's selection, each with the same lists. */
function sources(profile: Profile, stack: Stack): Record<string, unknown>[] {
  return profile.select.map(({ resourceAttributes, scopeName, eventNames }) => {
    const match = {
      ...(resourceAttributes ? { resource_attributes: resourceAttributes } : {}),
      ...(scopeName ? { scope_name: scopeName } : {}),
      ...(eventNames ? { event_names: [...eventNames] } : {}),
    };
    return source(profile, stack, match);
  });
}

function source(profile: Profile, stack: Stack, match: Record<string, unknown>): Record<string, unknown> {
  return {
    name: profile.name,
    ...(Object.keys(match).length > 0 ? { match } : {}),
    log_attributes: keptRecordKeys(profile, stack, profile.logAttributes),
    ...(profile.logAttributePatterns ? { log_attribute_patterns: [...profile.logAttributePatterns] } : {}),
    datapoint_attributes: keptRecordKeys(profile, stack, profile.datapointAttributes),
    resource_attributes: [...profile.resourceAttributes],
  };
}

/**
 * The sanitize processor's config: the same policy as the stock chain (chain.ts), in one
 * processor. Sources are the enabled profiles, the specific ones first and generic last, since the
 * processor takes the first that matches; a record no source matches is dropped, as filter/sources
 * drops it in the chain. The secret rules are built into the processor (a copy of
 * configs/secrets/rules.yaml), so they are not repeated here.
 */
export function renderSanitizeProcessor(stack: Stack): SanitizeChain {
  const p = stack.privacy;
  // Values the policy says to keep verbatim are exempt from masking.
  const verbatim = [...(p.userId.mode === 'keep' ? USER_ID_ATTRIBUTES : []), ...(p.promptText === 'keep' ? PROMPT_TEXT_ATTRIBUTES : []), ...(p.toolDetails === 'keep' ? TOOL_DETAIL_ATTRIBUTES : [])];
  const config = {
    sources: enabledProfiles(stack.profiles).flatMap((profile) => sources(profile, stack)),
    flatten_depth: FLATTEN_DEPTH,
    user_id: {
      keys: [...USER_ID_ATTRIBUTES],
      // drop: the allow-lists leave the keys out, so there is nothing to hash.
      ...(p.userId.mode === 'hmac' ? { hash: 'hmac-sha256', hmac_key: `\${env:${p.userId.keyEnv}}` } : { hash: 'none' }),
    },
    ...(verbatim.length > 0 ? { verbatim_keys: verbatim } : {}),
    secrets: { enabled: p.maskSecrets },
    mask_emails: p.maskEmails,
    mask_ip_addresses: p.maskIpAddresses,
    mask_home_paths: p.maskHomePaths,
    ...(p.blockedPatterns.length > 0 ? { blocked_patterns: [...p.blockedPatterns] } : {}),
    mask: p.masks,
    max_value_length: p.maxValueLength,
    max_attributes: p.maxAttributes,
  };
  return {
    processors: { [SANITIZE_PROCESSOR_ID]: config },
    order: { logs: [SANITIZE_PROCESSOR_ID], metrics: [SANITIZE_PROCESSOR_ID] },
  };
}
