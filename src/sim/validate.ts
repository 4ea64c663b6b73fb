import type { NodeSpec, InputSpec } from './catalogue.js';

/** Validation of POST /prompt bodies with ComfyUI's error shapes (protocol §1.3). */
export interface NodeErrorItem {
  type: string;
  message: string;
  details: string;
  extra_info: Record<string, unknown>;
}
export interface NodeErrors {
  errors: NodeErrorItem[];
  dependent_outputs: string[];
  class_type: string;
}
export type PromptGraph = Record<
  string,
  { class_type?: unknown; inputs?: Record<string, unknown>; _meta?: { title?: string } }
>;

export interface ValidationOk {
  ok: true;
  outputs: string[];
  nodeErrors: Record<string, NodeErrors>;
}
export interface ValidationFail {
  ok: false;
  error: { type: string; message: string; details: string; extra_info: Record<string, unknown> };
  node_errors: Record<string, NodeErrors>;
}

export interface ValidationContext {
  specFor(classType: string): NodeSpec | undefined;
  models: Record<string, string[]>;
  inputFileExists(name: string): boolean;
  /** Answer a missing class as builds before `missing_node_type` did (error type `invalid_prompt`). */
  legacyMissingNode?: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const fail = (
  type: string,
  message: string,
  details = '',
  extra_info: Record<string, unknown> = {},
  node_errors: Record<string, NodeErrors> = {},
): ValidationFail => ({ ok: false, error: { type, message, details, extra_info }, node_errors });

export function validatePromptId(id: unknown): ValidationFail | null {
  if (id === undefined || id === null) return null;
  if (typeof id !== 'string' || !UUID.test(id))
    return fail(
      'invalid_prompt_id',
      'Invalid prompt_id',
      `prompt_id must be a canonical lowercase UUID, got ${JSON.stringify(id)}`,
    );
  return null;
}

export function validatePrompt(
  prompt: PromptGraph,
  ctx: ValidationContext,
  targets?: string[],
): ValidationOk | ValidationFail {
  for (const [id, node] of Object.entries(prompt)) {
    const title = node?._meta?.title ?? id;
    if (!node || typeof node !== 'object' || typeof node.class_type !== 'string') {
      return fail(
        'missing_node_type',
        `Node '${title}' has no class_type. The workflow may be corrupted or a custom node is missing.`,
        `Node ID '#${id}'`,
        { node_id: id, class_type: null, node_title: title },
      );
    }
    if (!ctx.specFor(node.class_type)) {
      if (ctx.legacyMissingNode)
        return fail(
          'invalid_prompt',
          `Cannot execute because node ${node.class_type} does not exist.`,
          `Node ID '#${id}'`,
          {},
        );
      return fail(
        'missing_node_type',
        `Node '${node.class_type}' not found. The custom node may not be installed.`,
        `Node ID '#${id}'`,
        { node_id: id, class_type: node.class_type, node_title: title },
      );
    }
  }
  const outputs = Object.keys(prompt).filter(
    (id) => ctx.specFor(prompt[id]!.class_type as string)!.output_node && (!targets || targets.includes(id)),
  );
  if (outputs.length === 0) return fail('prompt_no_outputs', 'Prompt has no outputs', '');

  const cache = new Map<string, boolean>(); // node id → valid (including upstream)
  const nodeErrors: Record<string, NodeErrors> = {};
  const visiting = new Set<string>();

  const validateNode = (id: string): boolean => {
    if (cache.has(id)) return cache.get(id)!;
    if (visiting.has(id)) {
      nodeErrors[id] = {
        errors: [
          {
            type: 'dependency_cycle',
            message: 'Dependency cycle detected',
            details: `Node ${id} depends on itself`,
            extra_info: { cycle_nodes: [...visiting] },
          },
        ],
        dependent_outputs: [],
        class_type: String(prompt[id]!.class_type),
      };
      return false;
    }
    visiting.add(id);
    const node = prompt[id]!;
    const spec = ctx.specFor(node.class_type as string)!;
    const inputs = node.inputs ?? {};
    const errors: NodeErrorItem[] = [];
    let upstreamOk = true;
    const groups: [Record<string, InputSpec>, boolean][] = [
      [spec.required, true],
      [spec.optional ?? {}, false],
    ];
    for (const [group, required] of groups) {
      for (const [name, inputSpec] of Object.entries(group)) {
        const value = inputs[name];
        if (value === undefined) {
          if (required)
            errors.push({
              type: 'required_input_missing',
              message: 'Required input is missing',
              details: name,
              extra_info: { input_name: name },
            });
          continue;
        }
        const problem = checkInput(prompt, id, name, inputSpec, value, spec, ctx, validateNode);
        if (problem === 'upstream') upstreamOk = false;
        else if (problem) errors.push(problem);
      }
    }
    visiting.delete(id);
    if (errors.length) nodeErrors[id] = { errors, dependent_outputs: [], class_type: spec.name };
    const ok = errors.length === 0 && upstreamOk;
    cache.set(id, ok);
    return ok;
  };

  const valid: string[] = [];
  for (const out of outputs) {
    if (validateNode(out)) valid.push(out);
    else {
      // Every failing node upstream of this output lists it as a dependent output.
      for (const failing of upstreamOf(prompt, out)) nodeErrors[failing]?.dependent_outputs.push(out);
    }
  }
  if (valid.length === 0) {
    const details = Object.values(nodeErrors)
      .flatMap((n) => n.errors.map((e) => `${e.message}: ${e.details}`))
      .join('\n');
    return fail('prompt_outputs_failed_validation', 'Prompt outputs failed validation', details, {}, nodeErrors);
  }
  return { ok: true, outputs: valid, nodeErrors };
}

function upstreamOf(prompt: PromptGraph, id: string, seen = new Set<string>()): Set<string> {
  if (seen.has(id) || !prompt[id]) return seen;
  seen.add(id);
  for (const v of Object.values(prompt[id].inputs ?? {})) {
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string') upstreamOf(prompt, v[0], seen);
  }
  return seen;
}

function checkInput(
  prompt: PromptGraph,
  _id: string,
  name: string,
  inputSpec: InputSpec,
  value: unknown,
  spec: NodeSpec,
  ctx: ValidationContext,
  validateNode: (id: string) => boolean,
): NodeErrorItem | 'upstream' | null {
  const [type, options = {}] = inputSpec;
  if (Array.isArray(value)) {
    if (value.length !== 2 || typeof value[0] !== 'string' || typeof value[1] !== 'number') {
      return {
        type: 'bad_linked_input',
        message: 'Bad linked input, must be a length-2 list of [node_id, slot_index]',
        details: name,
        extra_info: { input_name: name, received_value: value },
      };
    }
    const source = prompt[value[0]];
    if (!source) {
      return {
        type: 'exception_during_inner_validation',
        message: 'Exception when validating inner node',
        details: `KeyError: '${value[0]}'`,
        extra_info: { input_name: name, exception_message: `'${value[0]}'` },
      };
    }
    const sourceSpec = ctx.specFor(source.class_type as string)!;
    const receivedType = sourceSpec.output[value[1]];
    const expected = Array.isArray(type) ? 'COMBO' : type;
    if (receivedType === undefined || (expected !== '*' && receivedType !== expected)) {
      return {
        type: 'return_type_mismatch',
        message: 'Return type mismatch between linked nodes',
        details: `${name}, received_type(${receivedType}) mismatch input_type(${expected})`,
        extra_info: { input_name: name, received_type: receivedType, linked_node: value },
      };
    }
    return validateNode(value[0]) ? null : 'upstream';
  }
  const folder = spec.modelInputs?.[name];
  if (folder === 'input') {
    if (typeof value !== 'string' || !ctx.inputFileExists(value)) {
      return {
        type: 'custom_validation_failed',
        message: 'Custom validation failed for node',
        details: `${name} - Invalid image file: ${String(value)}`,
        extra_info: { input_name: name },
      };
    }
    return null;
  }
  const list = folder ? (ctx.models[folder] ?? []) : Array.isArray(type) ? type : null;
  if (list) {
    if (!list.includes(value as string)) {
      const long = list.length > 20;
      const shown = long ? `(list of length ${list.length})` : `[${list.map((x) => `'${x}'`).join(', ')}]`;
      return {
        type: 'value_not_in_list',
        message: 'Value not in list',
        details: `${name}: '${String(value)}' not in ${shown}`,
        extra_info: { input_name: name, input_config: long ? null : [list, options], received_value: value },
      };
    }
    return null;
  }
  if (type === 'INT' || type === 'FLOAT') {
    const n =
      typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    if (!Number.isFinite(n) || (type === 'INT' && !Number.isInteger(n))) {
      return {
        type: 'invalid_input_type',
        message: `Failed to convert an input value to a ${type} value`,
        details: `${name}, ${String(value)}, invalid literal`,
        extra_info: { input_name: name, received_value: value },
      };
    }
    const min = options.min as number | undefined,
      max = options.max as number | undefined;
    if (min !== undefined && n < min)
      return {
        type: 'value_smaller_than_min',
        message: `Value ${n} smaller than min of ${min}`,
        details: name,
        extra_info: { input_name: name, received_value: value },
      };
    if (max !== undefined && n > max)
      return {
        type: 'value_bigger_than_max',
        message: `Value ${n} bigger than max of ${max}`,
        details: name,
        extra_info: { input_name: name, received_value: value },
      };
    return null;
  }
  if (type === 'STRING' && typeof value !== 'string' && typeof value !== 'number') {
    return {
      type: 'invalid_input_type',
      message: 'Failed to convert an input value to a STRING value',
      details: `${name}, ${JSON.stringify(value)}`,
      extra_info: { input_name: name, received_value: value },
    };
  }
  if (type === 'BOOLEAN' && typeof value !== 'boolean' && value !== 'true' && value !== 'false') {
    return {
      type: 'invalid_input_type',
      message: 'Failed to convert an input value to a BOOLEAN value',
      details: `${name}, ${JSON.stringify(value)}`,
      extra_info: { input_name: name, received_value: value },
    };
  }
  if (!['INT', 'FLOAT', 'STRING', 'BOOLEAN'].includes(type as string) && !Array.isArray(type)) {
    // A literal where a link of type MODEL/IMAGE… was required.
    return {
      type: 'bad_linked_input',
      message: 'Bad linked input, must be a length-2 list of [node_id, slot_index]',
      details: name,
      extra_info: { input_name: name, received_value: value },
    };
  }
  return null;
}
