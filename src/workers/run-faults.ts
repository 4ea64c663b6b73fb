import { PipelineError } from '../errors/pipeline-error.js';

/** ComfyUI's own words for a failed node, as the engine's error carries them. */
function nodeFailure(err: unknown): { type: string; message: string } | null {
  if (!(err instanceof PipelineError) || err.code !== 'ENGINE_EXECUTION_FAILED') return null;
  const type = typeof err.detail?.exception_type === 'string' ? err.detail.exception_type : '';
  const message = typeof err.detail?.exception_message === 'string' ? err.detail.exception_message : '';
  return { type, message };
}

/**
 * The GPU ran out of memory (torch.OutOfMemoryError, torch.cuda.OutOfMemoryError, "CUDA out of
 * memory", "Allocation on device"): freeing the backend's memory (POST /free) and running again
 * often succeeds, since models of earlier prompts stay loaded in VRAM.
 */
export function isOutOfMemory(err: unknown): boolean {
  const f = nodeFailure(err);
  return f !== null && (/OutOfMemory/i.test(f.type) || /out of memory|Allocation on device/i.test(f.message));
}

/**
 * The GPU itself faulted (an illegal memory access, a device-side assert, a cuBLAS/cuDNN failure):
 * every later prompt on that process fails the same way until ComfyUI is restarted, so the backend
 * is paused and the job runs elsewhere, instead of failing job after job there.
 */
export function isCudaFault(err: unknown): boolean {
  const f = nodeFailure(err);
  if (f === null || isOutOfMemory(err)) return false;
  return /CUDA error|illegal memory access|device-side assert|cudaError|CUBLAS_STATUS_|CUDNN_STATUS_|AcceleratorError/i.test(
    `${f.type} ${f.message}`,
  );
}
