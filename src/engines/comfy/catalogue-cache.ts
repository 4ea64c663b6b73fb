import { PipelineError } from '../../errors/pipeline-error.js';
import type { EngineCapabilities, Graph } from '../engine.js';
import type { ComfyHttpClient } from './client.js';
import { dependencyError, type MissingDependency } from './dependencies.js';
import { findMissingModels } from './model-needs.js';
import { comboOptions, findMissing, type ObjectInfo } from './preflight.js';

/**
 * What one ComfyUI offers: its /object_info catalogue and its model folder listings
 * (GET /models/{folder}), each cached for `ttlMs` and shared by concurrent readers, and the
 * preflight that reads them. Forgotten when a run finds something missing after all.
 */
export class ComfyCatalogue {
  private objectInfo: { at: number; value: ObjectInfo } | null = null;
  private objectInfoLoading: Promise<ObjectInfo> | null = null;

  constructor(
    private readonly http: ComfyHttpClient,
    private readonly ttlMs: number,
  ) {}

  private async load(refresh = false): Promise<ObjectInfo> {
    const ttl = this.ttlMs;
    if (!refresh && this.objectInfo && Date.now() - this.objectInfo.at < ttl) return this.objectInfo.value;
    this.objectInfoLoading ??= this.http
      .json<ObjectInfo>('GET', '/object_info')
      .then(({ data }) => {
        if (!data || typeof data !== 'object' || Array.isArray(data))
          throw new PipelineError('ENGINE_PROTOCOL_ERROR', 'ComfyUI /object_info is not an object');
        for (const [cls, entry] of Object.entries(data)) if (!entry || typeof entry !== 'object') delete data[cls];
        this.objectInfo = { at: Date.now(), value: data };
        return data;
      })
      .finally(() => {
        this.objectInfoLoading = null;
      });
    return this.objectInfoLoading;
  }

  /** Node classes and the choice lists of their combo inputs. */
  async capabilities(refresh = false): Promise<EngineCapabilities> {
    const info = await this.load(refresh);
    const choices: EngineCapabilities['choices'] = {};
    for (const [cls, entry] of Object.entries(info)) {
      for (const group of [entry.input?.required ?? {}, entry.input?.optional ?? {}]) {
        for (const [input, spec] of Object.entries(group)) {
          const options = comboOptions(spec);
          if (options) (choices[cls] ??= {})[input] = options;
        }
      }
    }
    return { node_classes: Object.keys(info).sort(), choices };
  }

  /** Throws DEPENDENCY_MISSING naming everything the graph lacks (re-read once before failing). */
  async check(graph: Graph): Promise<void> {
    let missing = await this.allMissing(graph, false);
    // Models may have been installed since the catalogue was cached: re-read once before failing.
    if (missing.length > 0) missing = await this.allMissing(graph, true);
    if (missing.length > 0) throw dependencyError(missing);
  }

  /** Everything the graph needs that ComfyUI lacks: classes, choices, and model files by folder. */
  async allMissing(graph: Graph, refresh: boolean): Promise<MissingDependency[]> {
    const info = await this.load(refresh);
    if (refresh) this.modelLists.clear();
    return [
      ...findMissing(graph, info),
      ...(await findMissingModels(graph, info, (folder) => this.listModelFolder(folder))),
    ];
  }

  /** Folder listings (GET /models/{folder}), cached like the catalogue; null when ComfyUI has no such folder. */
  private readonly modelLists = new Map<string, { at: number; value: Promise<string[] | null> }>();

  private listModelFolder(folder: string): Promise<string[] | null> {
    const ttl = this.ttlMs;
    const cached = this.modelLists.get(folder);
    if (cached && Date.now() - cached.at < ttl) return cached.value;
    const value = this.http.json<unknown>('GET', `/models/${encodeURIComponent(folder)}`).then(
      ({ data }) => {
        if (!Array.isArray(data))
          throw new PipelineError('ENGINE_PROTOCOL_ERROR', `ComfyUI /models/${folder} is not a list`);
        return data.filter((e): e is string => typeof e === 'string');
      },
      (err: unknown) => {
        // 404: no such folder (a pack that registers it is missing); 405 or 404 on servers older than /models.
        if (err instanceof PipelineError && (err.detail?.status === 404 || err.detail?.status === 405)) return null;
        throw err;
      },
    );
    value.catch(() => this.modelLists.delete(folder));
    this.modelLists.set(folder, { at: Date.now(), value });
    return value;
  }

  forget(): void {
    this.objectInfo = null;
    this.modelLists.clear();
  }
}
