/**
 * The lines a person sees when the service is ready under `node scripts/one.mjs` (which sets
 * AINFLUENCER_BANNER: "1", or "simulator" when it started the ComfyUI simulator). Printed by the
 * service itself, so the launcher need not read the service's output, or stay running at all.
 */
export function bannerLines(serviceUrl: string, comfyuiUrl: string, mode: string): string[] {
  const simulated = mode === 'simulator' ? '  (SIMULATOR: images are placeholders, not AI output)' : '';
  return [
    '',
    `  AInfluencer pipeline service   ${serviceUrl}`,
    `  API docs                       ${serviceUrl}/docs`,
    `  Health                         ${serviceUrl}/api/health`,
    `  ComfyUI                        ${comfyuiUrl}${simulated}`,
    '',
    '  Press Ctrl+C to stop.',
    '',
  ];
}
