// CI runs are machines repeating the same commands; counting them drowns the human signal the product
// wants, so the client can skip them. Detection reads variables that the common CI systems set.

const CI_VARIABLES = [
  'CI',
  'CONTINUOUS_INTEGRATION',
  'BUILD_ID',
  'BUILD_NUMBER',
  'RUN_ID',
  'GITHUB_ACTIONS',
  'GITLAB_CI',
  'CIRCLECI',
  'TRAVIS',
  'BUILDKITE',
  'JENKINS_URL',
  'TEAMCITY_VERSION',
  'TF_BUILD',
  'BITBUCKET_BUILD_NUMBER',
  'CODEBUILD_BUILD_ID',
  'DRONE',
  'APPVEYOR',
  'SEMAPHORE',
  'BITRISE_IO',
  'CF_BUILD_ID',
  'WOODPECKER',
  'HEROKU_TEST_RUN_ID',
] as const;

/** `CI=false` and `CI=0` are how people say "not CI" in a shell that inherited CI=true. */
function isSet(value: string | undefined): boolean {
  if (value === undefined) return false;
  const v = value.trim().toLowerCase();
  return v !== '' && v !== '0' && v !== 'false';
}

/**
 * The name of the first CI variable found, or undefined. An explicit `CI=false` wins over the rest, since
 * the generic ones (BUILD_ID, RUN_ID) also appear outside CI and a person needs a way to say so.
 */
export function detectCi(env: NodeJS.ProcessEnv): string | undefined {
  const ci = env.CI?.trim().toLowerCase();
  if (ci === 'false' || ci === '0') return undefined;
  return CI_VARIABLES.find((name) => isSet(env[name]));
}
