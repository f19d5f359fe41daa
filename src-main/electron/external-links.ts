/** Which links may leave the app for the OS browser (no Electron import, so it is testable in Node). */

/** Hosts (and their subdomains) whose https links may open in the OS browser. */
export const EXTERNAL_LINK_ALLOWLIST: readonly string[] = ['huggingface.co', 'github.com', 'developer.nvidia.com', 'onnxruntime.ai'];

export function isAllowedExternal(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (
      parsed.protocol === 'https:' &&
      parsed.username === '' &&
      parsed.password === '' &&
      EXTERNAL_LINK_ALLOWLIST.some((host) => parsed.hostname === host || parsed.hostname.endsWith(`.${host}`))
    );
  } catch {
    return false;
  }
}
