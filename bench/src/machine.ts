/**
 * The machine a benchmark ran on (CPU model and flags that matter for int4/fp16 kernels, cores, memory,
 * load average, OS, Node and onnxruntime versions) and process memory readings from /proc.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import * as ort from 'onnxruntime-node';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly logicalCores: number;
  readonly cpuFlags: readonly string[];
  readonly memoryBytes: number;
  readonly platform: string;
  readonly kernel: string;
  readonly node: string;
  readonly onnxruntime: string;
  /** 1/5/15-minute load averages when the run started and ended (other work on the machine slows it). */
  readonly loadAverageStart: readonly number[];
  loadAverageEnd?: readonly number[];
}

const INTERESTING_FLAGS = ['avx2', 'fma', 'f16c', 'avx512f', 'avx512bw', 'avx512vl', 'avx512_vnni', 'avx512_bf16', 'avx512_fp16', 'avx_vnni', 'amx_tile'];

function cpuFlags(): string[] {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags'));
    const flags = new Set(line?.split(':')[1]?.trim().split(/\s+/) ?? []);
    return INTERESTING_FLAGS.filter((f) => flags.has(f));
  } catch {
    return [];
  }
}

export function describeMachine(): MachineInfo {
  return {
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    logicalCores: os.cpus().length,
    cpuFlags: cpuFlags(),
    memoryBytes: os.totalmem(),
    platform: `${process.platform}-${process.arch}`,
    kernel: os.release(),
    node: process.version,
    onnxruntime: String((ort.env.versions as Record<string, string> | undefined)?.node ?? 'unknown'),
    loadAverageStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

/** Load averages now, rounded. */
export const loadAverage = (): number[] => os.loadavg().map((v) => Math.round(v * 100) / 100);

/** The process's peak resident set (VmHWM) in bytes; falls back to the current RSS off Linux. */
export function peakRssBytes(): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.memoryUsage.rss();
}
