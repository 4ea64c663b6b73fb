import { PipelineError } from '../../errors/pipeline-error.js';
import { redact } from '../../util/redact.js';
import { dependencyError, missingChoice, missingNodeClass, type MissingDependency } from './dependencies.js';
import { modelFolderFor } from './known-nodes.js';

interface NodeErrorItem {
  type?: string;
  message?: string;
  details?: string;
  extra_info?: { input_name?: string; received_value?: unknown; input_config?: unknown };
}
interface SubmitErrorBody {
  error?:
    | { type?: string; message?: string; details?: string; extra_info?: { node_id?: string; class_type?: string } }
    | string;
  node_errors?: Record<string, { errors?: NodeErrorItem[]; class_type?: string }> | unknown[];
}

/**
 * Turn a POST /prompt 400 into a taxonomy error: missing node classes and models/choices not in
 * their lists become DEPENDENCY_MISSING naming node, class, input and value; any other rejection is
 * a CONTRACT_MISMATCH carrying ComfyUI's node errors (the graph is ours, so that is our bug to see).
 */
export function submitError(body: unknown, graph: Record<string, { class_type: string }>): PipelineError {
  const b = (body && typeof body === 'object' ? body : {}) as SubmitErrorBody;
  const error =
    typeof b.error === 'object' && b.error ? b.error : { message: typeof b.error === 'string' ? b.error : undefined };
  const type = 'type' in error ? error.type : undefined;
  if (type === 'missing_node_type') {
    const nodeId = error.extra_info?.node_id ?? '?';
    const classType = error.extra_info?.class_type ?? graph[nodeId]?.class_type ?? 'unknown';
    return dependencyError([missingNodeClass(nodeId, classType)]);
  }
  // Builds before missing_node_type (0.3.x) say it only in words: "Cannot execute because node X
  // does not exist." with details "Node ID '#7'". The node id finds the class in our own graph.
  if (type === 'invalid_prompt' && 'details' in error && typeof error.details === 'string') {
    const nodeId = /^Node ID '#([^']{1,200})'$/.exec(error.details)?.[1];
    const classType = nodeId !== undefined ? graph[nodeId]?.class_type : undefined;
    if (nodeId !== undefined && classType !== undefined) return dependencyError([missingNodeClass(nodeId, classType)]);
  }
  const missing: MissingDependency[] = [];
  const other: Record<string, unknown>[] = [];
  const nodeErrors = b.node_errors && !Array.isArray(b.node_errors) ? b.node_errors : {};
  for (const [nodeId, entry] of Object.entries(nodeErrors)) {
    const classType = entry.class_type ?? graph[nodeId]?.class_type ?? 'unknown';
    for (const item of entry.errors ?? []) {
      const input = item.extra_info?.input_name;
      const isModelChoice = item.type === 'value_not_in_list' && input;
      const isMissingImage =
        item.type === 'custom_validation_failed' && input && modelFolderFor(classType, input) === 'input';
      if (isModelChoice || isMissingImage) {
        const value =
          item.extra_info?.received_value ??
          (graph[nodeId] as { inputs?: Record<string, unknown> } | undefined)?.inputs?.[input];
        const config = item.extra_info?.input_config;
        const allowed = Array.isArray(config) && Array.isArray(config[0]) ? (config[0] as unknown[]).map(String) : null;
        missing.push(missingChoice(nodeId, classType, input, value, allowed));
      } else {
        other.push({
          node_id: nodeId,
          class_type: classType,
          type: item.type,
          message: item.message,
          details: item.details,
        });
      }
    }
  }
  if (missing.length > 0 && other.length === 0) return dependencyError(missing);
  return new PipelineError(
    'CONTRACT_MISMATCH',
    `ComfyUI rejected the graph: ${'message' in error && error.message ? error.message : 'validation failed'}`,
    {
      detail: redact({
        comfy_error_type: type ?? null,
        comfy_details: 'details' in error ? (error.details ?? null) : null,
        node_errors: other,
        missing,
      }),
      status: 502,
    },
  );
}
