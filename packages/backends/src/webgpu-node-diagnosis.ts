/**
 * Why Node has no WebGPU adapter, and how to get one. Dawn (the `webgpu` npm package)
 * runs on Vulkan; without a GPU it needs a software Vulkan driver (an "ICD"): Mesa's
 * lavapipe (Mesa >= 25; Debian 12's own Mesa 22.3 lavapipe yields no adapter, the one
 * in bookworm-backports works) or the SwiftShader ICD that Debian's chromium ships.
 */

type Fs = { existsSync(p: string): boolean; readdirSync(p: string): string[] };

const VULKAN_LOADERS = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1', '/usr/lib64/libvulkan.so.1', '/usr/lib/libvulkan.so.1'];
const ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
/** The Vulkan ICD file of the SwiftShader software driver that Debian's chromium package installs (set `VK_ICD_FILENAMES` to it to run webgpu in Node without a GPU). */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** The remedy, as apt commands and environment, for a Debian-like machine. */
export const WEBGPU_NODE_REMEDY =
  'install a Vulkan loader and a software driver: `apt-get install -y libvulkan1` plus either Mesa >= 25 lavapipe ' +
  '(Debian 12: add bookworm-backports, then `apt-get install -y -t bookworm-backports mesa-vulkan-drivers`) or ' +
  `\`apt-get install -y chromium\` and set VK_ICD_FILENAMES=${SWIFTSHADER_ICD}; with a GPU, its vendor's Vulkan driver`;

/** A one-paragraph diagnosis of the Vulkan setup seen from this process. */
export function diagnoseVulkan(): string {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown; env?: Record<string, string | undefined>; platform?: string } }).process;
  const fs = proc?.getBuiltinModule?.('node:fs') as Fs | undefined;
  if (fs === undefined) return 'could not inspect the Vulkan setup (no node:fs)';
  if (proc?.platform !== 'linux') return `platform ${proc?.platform}: Dawn uses Metal on macOS and D3D12 on Windows; check that a GPU driver is installed`;
  const loader = VULKAN_LOADERS.find((p) => fs.existsSync(p));
  const icds = ICD_DIRS.flatMap((d) => (fs.existsSync(d) ? fs.readdirSync(d).map((f) => `${d}/${f}`) : []));
  const override = proc?.env?.VK_ICD_FILENAMES ?? proc?.env?.VK_DRIVER_FILES;
  const parts = [
    loader ? `Vulkan loader ${loader} present` : 'no Vulkan loader (libvulkan.so.1) found',
    override ? `VK_ICD_FILENAMES=${override}${fs.existsSync(override.split(':')[0]) ? '' : ' (file missing)'}` : `Vulkan drivers: ${icds.length ? icds.join(', ') : 'none'}`,
  ];
  if (!override && icds.some((f) => f.endsWith('lvp_icd.json'))) parts.push('lavapipe is installed: it gives no adapter before Mesa 25');
  if (!override && fs.existsSync(SWIFTSHADER_ICD)) parts.push(`SwiftShader is available: VK_ICD_FILENAMES=${SWIFTSHADER_ICD}`);
  return parts.join('; ');
}
