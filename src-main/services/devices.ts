/** Device choices for the settings view: what the engine detected, explained in plain words, plus "auto". */
import type { DeviceOption } from '../contract/api-types.ts';
import type { DeviceInfo } from '../contract/domain.ts';

const EXPLANATIONS: Record<DeviceInfo['device'], string> = {
  cpu: 'Processor. Works everywhere; speed depends on the number of cores.',
  webgpu: 'Graphics card through WebGPU.',
  cuda: 'NVIDIA graphics card through CUDA.',
  dml: 'Graphics card through DirectML (Windows).',
  coreml: 'Apple Neural Engine / GPU through Core ML (macOS).',
};

export function deviceOptions(detected: readonly DeviceInfo[]): DeviceOption[] {
  const options: DeviceOption[] = [{ device: 'auto', available: true, detail: 'Use the fastest available device, falling back to the processor.' }];
  for (const info of detected) {
    options.push({ device: info.device, available: info.available, detail: info.available ? `${EXPLANATIONS[info.device]} ${info.detail}`.trim() : `Not available: ${info.detail}` });
  }
  return options;
}
