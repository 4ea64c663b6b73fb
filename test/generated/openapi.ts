// Generated from GET /docs/json by openapi-typescript: do not edit.
// Regenerate with: npm run generate:api-types
export interface paths {
    "/api": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Name, version and links */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Entry points of the API */
                            links: {
                                [key: string]: string;
                            };
                            /** @description Service name */
                            name: string;
                            /**
                             * @description Always true
                             * @enum {boolean}
                             */
                            ok: true;
                            /** @description Service version */
                            version: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness and engine health */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Shared services this instance uses, with live health (empty when it uses none) */
                            dependencies: {
                                /** @description Taxonomy code when unhealthy */
                                error_code: string | null;
                                /** @description Round trip of the probe */
                                latency_ms: number | null;
                                /** @description Why it is unhealthy */
                                message: string | null;
                                /** @description redis (when REDIS_URL is set) */
                                name: string;
                                /**
                                 * @description Result of the probe
                                 * @enum {string}
                                 */
                                status: "healthy" | "unhealthy";
                            }[];
                            /** @description Each configured engine with its live health */
                            engines: {
                                /** @description When the probe ran (ISO 8601) */
                                checked_at: string;
                                /** @description Engine facts: ComfyUI version, devices, URL */
                                detail: {
                                    [key: string]: unknown;
                                };
                                /** @description Engine id, e.g. local_comfy */
                                engine_id: string;
                                /**
                                 * @description local (ComfyUI on a machine you run) or remote
                                 * @enum {string}
                                 */
                                engine_type: "local" | "remote";
                                /** @description Taxonomy code when unhealthy */
                                error_code: string | null;
                                /** @description Round trip of the health probe */
                                latency_ms: number | null;
                                /** @description Why it is unhealthy */
                                message: string | null;
                                /**
                                 * @description Result of the last probe
                                 * @enum {string}
                                 */
                                status: "healthy" | "unhealthy" | "unknown";
                            }[];
                            /**
                             * @description Always true: the process is up
                             * @enum {boolean}
                             */
                            ok: true;
                            /** @description Service name */
                            service: string;
                            /** @description Present while starting */
                            startup?: {
                                /** @description Job files read so far */
                                indexed: number;
                                /** @description Job files the index did not know (0 when it knew them all) */
                                total: number;
                            };
                            /**
                             * @description "degraded" when an engine is not healthy; "starting" while the job history is read (job routes answer 503 with Retry-After meanwhile)
                             * @enum {string}
                             */
                            status: "ok" | "degraded" | "starting";
                            /** @description Seconds since start */
                            uptime_seconds: number;
                            /** @description Service version */
                            version: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pipeline/engines": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every ComfyUI backend with its live health and its worker's state */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Configured backends, in configuration order */
                            engines: {
                                /** @description When the probe ran (ISO 8601) */
                                checked_at: string;
                                /** @description Engine facts: ComfyUI version, devices, URL */
                                detail: {
                                    [key: string]: unknown;
                                };
                                /** @description Engine id, e.g. local_comfy */
                                engine_id: string;
                                /**
                                 * @description local (ComfyUI on a machine you run) or remote
                                 * @enum {string}
                                 */
                                engine_type: "local" | "remote";
                                /** @description Taxonomy code when unhealthy */
                                error_code: string | null;
                                /** @description Round trip of the health probe */
                                latency_ms: number | null;
                                /** @description Why it is unhealthy */
                                message: string | null;
                                /**
                                 * @description Result of the last probe
                                 * @enum {string}
                                 */
                                status: "healthy" | "unhealthy" | "unknown";
                                /** @description The backend's worker */
                                worker: {
                                    /** @description Node classes in its catalogue (null until read): jobs are dispatched by it */
                                    catalogue_classes: number | null;
                                    /** @description Jobs it completed since start */
                                    jobs_completed: number;
                                    /** @description Jobs that failed on it since start */
                                    jobs_failed: number;
                                    /** @description Jobs taken off it (it died or faulted mid-job) to run on another backend */
                                    jobs_moved: number;
                                    /** @description The checkpoint of the last job it completed (still loaded in its VRAM); jobs using it are sent here first */
                                    loaded_checkpoint: string | null;
                                    /** @description Why it is paused */
                                    paused_reason: string | null;
                                    /** @description Ids of the jobs handed to it now */
                                    running_jobs: string[];
                                    /** @description Jobs it takes at once (concurrency + prefetch) */
                                    slots: number;
                                    /**
                                     * @description accepting: takes jobs; paused: unreachable or faulted, probed with backoff; stopped: shutting down
                                     * @enum {string}
                                     */
                                    state: "accepting" | "paused" | "stopped";
                                };
                            }[];
                            /**
                             * @description Always true
                             * @enum {boolean}
                             */
                            ok: true;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pipeline/generate/image": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Generate an image with a preset
         * @description By default waits until the job ends (200 with the completed job, or the error envelope with job_id). With header "Prefer: respond-async" answers 202 at once with the queued job and a Location header. An "Idempotency-Key" header makes retries safe: the same key within 24 h returns the same job.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes retries safe for 24 h: the same key returns the same job; the same key with another body is 409 IDEMPOTENCY_KEY_REUSED */
                    "idempotency-key"?: string;
                    /** @description "respond-async": answer 202 at once with the queued job and a Location header; without it the request waits for the end */
                    prefer?: string;
                };
                path?: never;
                cookie?: never;
            };
            /** @description Generate an image with a preset */
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description The depicted person agreed to the use of their likeness
                         * @default false
                         */
                        consent_given?: boolean;
                        /** @description Upload ids from POST /api/pipeline/uploads (1–3) of the face to keep; requires consent_given */
                        identity_reference?: string[];
                        /** @description Upload id from POST /api/pipeline/uploads of the picture to animate, for presets that take one (image_to_video_v1); requires consent_given */
                        init_image?: string;
                        /** @description What to avoid (up to 2000 characters); the preset default is used when omitted */
                        negative_prompt?: string;
                        /** @description Id of the workflow preset, from GET /api/pipeline/presets */
                        preset_id: string;
                        /** @description What to generate (1–2000 characters) */
                        prompt: string;
                        /**
                         * @description Quality level: more sampler steps and post-processing at higher levels
                         * @default standard
                         * @enum {string}
                         */
                        quality_level?: "low" | "standard" | "pro";
                        /** @description Sampler seed 0..2^32; random when omitted, always recorded */
                        seed?: number;
                        /** @description What to tell webhook_url of (default: job.completed, job.failed, job.cancelled); add job.progress for a message as each quarter of the run is passed */
                        webhook_events?: ("job.completed" | "job.failed" | "job.cancelled" | "job.progress")[];
                        /** @description http(s) URL told of the job's end: a signed POST (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature), retried until answered 2xx. Needs WEBHOOK_SECRET on the server; private and metadata addresses are refused unless WEBHOOK_ALLOW_PRIVATE=true */
                        webhook_url?: string;
                    };
                };
            };
            responses: {
                /** @description Result of a generation request */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Error code when failed, else null */
                            error: string | null;
                            /** @description Expected run time in whole seconds (rounded up) from recent jobs of the same preset and level; null without history */
                            estimated_time_seconds: number | null;
                            /** @description The job id (UUID) */
                            job_id: string;
                            /**
                             * @description Present and true on success
                             * @enum {boolean}
                             */
                            ok?: true;
                            /** @description URL of the first image once completed */
                            output_url: string | null;
                            /** @description The preset that ran */
                            preset_id: string;
                            /**
                             * @description Job state when the response was made
                             * @enum {string}
                             */
                            status: "queued" | "running" | "completed" | "failed";
                        };
                    };
                };
                /** @description Result of a generation request */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Error code when failed, else null */
                            error: string | null;
                            /** @description Expected run time in whole seconds (rounded up) from recent jobs of the same preset and level; null without history */
                            estimated_time_seconds: number | null;
                            /** @description The job id (UUID) */
                            job_id: string;
                            /**
                             * @description Present and true on success
                             * @enum {boolean}
                             */
                            ok?: true;
                            /** @description URL of the first image once completed */
                            output_url: string | null;
                            /** @description The preset that ran */
                            preset_id: string;
                            /**
                             * @description Job state when the response was made
                             * @enum {string}
                             */
                            status: "queued" | "running" | "completed" | "failed";
                        };
                    };
                };
                /** @description Error envelope */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
                /** @description Error envelope */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
                /** @description Error envelope */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
                /** @description Error envelope */
                424: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
                /** @description Error envelope */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
                /** @description Error envelope */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
                /** @description Error envelope */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
                /** @description Error envelope */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pipeline/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List jobs, newest first, with a cursor */
        get: {
            parameters: {
                query?: {
                    /** @description next_cursor of the previous page */
                    cursor?: string;
                    /** @description Page size (1–200, default 50) */
                    limit?: number;
                    /** @description Only jobs of this preset */
                    preset_id?: string;
                    /** @description Job state: queued → running → completed | failed | cancelled */
                    status?: "queued" | "running" | "completed" | "failed" | "cancelled";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Jobs, newest first */
                            jobs: {
                                /** @description Backends it has run on: 2 once it moved because its first backend died or faulted */
                                attempts?: number;
                                /** @description ISO 8601 timestamp (UTC) */
                                created_at: string;
                                /** @description The ComfyUI backend running or that ran the job (its id in COMFYUI_URLS); null while it waits */
                                engine_id?: string | null;
                                /** @description Human-readable error when failed */
                                error: string | null;
                                /** @description Taxonomy code when failed or cancelled */
                                error_code: string | null;
                                /** @description Expected run time in whole seconds (rounded up), null without history */
                                estimated_time_seconds: number | null;
                                /** @description ISO 8601 timestamp (UTC) */
                                finished_at: string | null;
                                /** @description Job id (UUID) */
                                job_id: string;
                                /**
                                 * @description Present and true on success
                                 * @enum {boolean}
                                 */
                                ok?: true;
                                /** @description URL of the first image once completed */
                                output_url: string | null;
                                /** @description Preset id */
                                preset_id: string;
                                /** @description Fraction done, 0..1, from ComfyUI progress messages */
                                progress: number;
                                /** @description While queued: how many jobs run before this one (in ComfyUI's queue, other clients' prompts included, once it is there; else in this service's queue); null otherwise */
                                queue_position?: number | null;
                                /** @description ISO 8601 timestamp (UTC) */
                                started_at: string | null;
                                /**
                                 * @description Job state: queued → running → completed | failed | cancelled
                                 * @enum {string}
                                 */
                                status: "queued" | "running" | "completed" | "failed" | "cancelled";
                            }[];
                            /** @description Pass as cursor for the next page; null on the last page */
                            next_cursor: string | null;
                            /**
                             * @description Always true on success
                             * @enum {boolean}
                             */
                            ok: true;
                        };
                    };
                };
                /** @description Error envelope */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pipeline/jobs/{job_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Status of a job */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Job id (a UUID) as returned by POST /api/pipeline/generate/image */
                    job_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Current state of a job */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Backends it has run on: 2 once it moved because its first backend died or faulted */
                            attempts?: number;
                            /** @description ISO 8601 timestamp (UTC) */
                            created_at: string;
                            /** @description The ComfyUI backend running or that ran the job (its id in COMFYUI_URLS); null while it waits */
                            engine_id?: string | null;
                            /** @description Human-readable error when failed */
                            error: string | null;
                            /** @description Taxonomy code when failed or cancelled */
                            error_code: string | null;
                            /** @description Expected run time in whole seconds (rounded up), null without history */
                            estimated_time_seconds: number | null;
                            /** @description ISO 8601 timestamp (UTC) */
                            finished_at: string | null;
                            /** @description Job id (UUID) */
                            job_id: string;
                            /**
                             * @description Present and true on success
                             * @enum {boolean}
                             */
                            ok?: true;
                            /** @description URL of the first image once completed */
                            output_url: string | null;
                            /** @description Preset id */
                            preset_id: string;
                            /** @description Fraction done, 0..1, from ComfyUI progress messages */
                            progress: number;
                            /** @description While queued: how many jobs run before this one (in ComfyUI's queue, other clients' prompts included, once it is there; else in this service's queue); null otherwise */
                            queue_position?: number | null;
                            /** @description ISO 8601 timestamp (UTC) */
                            started_at: string | null;
                            /**
                             * @description Job state: queued → running → completed | failed | cancelled
                             * @enum {string}
                             */
                            status: "queued" | "running" | "completed" | "failed" | "cancelled";
                        };
                    };
                };
                /** @description Error envelope */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pipeline/jobs/{job_id}/artifacts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Artifacts of a job with provenance */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Job id (a UUID) as returned by POST /api/pipeline/generate/image */
                    job_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stored outputs, in order */
                            artifacts: {
                                /** @description File name on the ComfyUI side */
                                comfy_filename: string;
                                /** @description Subfolder on the ComfyUI side */
                                comfy_subfolder: string;
                                /** @description MIME type recognised from the bytes (application/octet-stream when unrecognised); not what ComfyUI claimed */
                                content_type: string;
                                /** @description ISO 8601 timestamp (UTC) */
                                created_at: string;
                                /** @description Server-chosen file name inside the job folder */
                                filename: string;
                                /** @description Height of an image or animation (PNG, WebP, GIF), null otherwise */
                                height: number | null;
                                /** @description ComfyUI output node that produced it */
                                node_id: string;
                                /** @description Path relative to the data folder */
                                path: string;
                                /** @description How the outputs were made */
                                provenance: {
                                    /** @description Engine id that ran the job */
                                    engine: string;
                                    /** @description SHA-256 of the submitted graph (canonical JSON) */
                                    graph_sha256: string | null;
                                    /** @description Model files named in the graph */
                                    models: {
                                        [key: string]: string;
                                    };
                                    /** @description Stored PNGs had their text chunks passed through the same redaction as prompts (the chunks are kept, so the graph still loads into ComfyUI) */
                                    png_text_redacted?: {
                                        /** @description PNG text chunks (ComfyUI's embedded prompt/workflow) whose credentials were removed; 0 when none had any */
                                        chunks_changed: number;
                                    };
                                    /** @description Preset id */
                                    preset_id: string;
                                    /** @description SHA-256 of the preset file that was used */
                                    preset_sha256: string;
                                    /** @description ComfyUI prompt id */
                                    prompt_id: string | null;
                                    /**
                                     * @description Quality level: more sampler steps and post-processing at higher levels
                                     * @enum {string}
                                     */
                                    quality_level: "low" | "standard" | "pro";
                                    /** @description Sampler seed used */
                                    seed: number;
                                } | null;
                                /** @description Hex SHA-256 of the stored bytes */
                                sha256: string;
                                /** @description Size of the stored file */
                                size_bytes: number;
                                /**
                                 * @description Kind of output, from its bytes: image (a still), video (MP4/WebM, or an animated WebP, PNG or GIF: content_type says which), audio (FLAC, WAV, MP3, Ogg), model (binary glTF), file (anything else)
                                 * @enum {string}
                                 */
                                type: "image" | "video" | "audio" | "model" | "file";
                                /** @description Download URL on this service */
                                url: string;
                                /** @description Width of an image or animation (PNG, WebP, GIF), null otherwise */
                                width: number | null;
                            }[];
                            /** @description Job id */
                            job_id: string;
                            /**
                             * @description Always true on success
                             * @enum {boolean}
                             */
                            ok: true;
                        };
                    };
                };
                /** @description Error envelope */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pipeline/jobs/{job_id}/artifacts/{filename}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download one artifact */
        get: {
            parameters: {
                query?: never;
                header?: {
                    /** @description The ETag of the version the range is for; another version gets the whole file */
                    "if-range"?: string;
                    /** @description A byte range ("bytes=0-1023", "bytes=-500"): answered 206, or 416 outside the file */
                    range?: string;
                };
                path: {
                    /** @description Artifact file name from the artifacts listing */
                    filename: string;
                    /** @description Job id (a UUID) as returned by POST /api/pipeline/generate/image */
                    job_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The file bytes, with Content-Type, Content-Length, ETag and Accept-Ranges */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/octet-stream": string;
                        "image/jpeg": string;
                        "image/png": string;
                        "image/webp": string;
                    };
                };
                /** @description The requested byte range, with Content-Range */
                206: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/octet-stream": string;
                    };
                };
                /** @description Not modified */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
                /** @description Error envelope */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
                /** @description Error envelope */
                416: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pipeline/jobs/{job_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a queued or running job */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Job id (a UUID) as returned by POST /api/pipeline/generate/image */
                    job_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Current state of a job */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Backends it has run on: 2 once it moved because its first backend died or faulted */
                            attempts?: number;
                            /** @description ISO 8601 timestamp (UTC) */
                            created_at: string;
                            /** @description The ComfyUI backend running or that ran the job (its id in COMFYUI_URLS); null while it waits */
                            engine_id?: string | null;
                            /** @description Human-readable error when failed */
                            error: string | null;
                            /** @description Taxonomy code when failed or cancelled */
                            error_code: string | null;
                            /** @description Expected run time in whole seconds (rounded up), null without history */
                            estimated_time_seconds: number | null;
                            /** @description ISO 8601 timestamp (UTC) */
                            finished_at: string | null;
                            /** @description Job id (UUID) */
                            job_id: string;
                            /**
                             * @description Present and true on success
                             * @enum {boolean}
                             */
                            ok?: true;
                            /** @description URL of the first image once completed */
                            output_url: string | null;
                            /** @description Preset id */
                            preset_id: string;
                            /** @description Fraction done, 0..1, from ComfyUI progress messages */
                            progress: number;
                            /** @description While queued: how many jobs run before this one (in ComfyUI's queue, other clients' prompts included, once it is there; else in this service's queue); null otherwise */
                            queue_position?: number | null;
                            /** @description ISO 8601 timestamp (UTC) */
                            started_at: string | null;
                            /**
                             * @description Job state: queued → running → completed | failed | cancelled
                             * @enum {string}
                             */
                            status: "queued" | "running" | "completed" | "failed" | "cancelled";
                        };
                    };
                };
                /** @description Error envelope */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
                /** @description Error envelope */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pipeline/jobs/{job_id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Live job events (Server-Sent Events)
         * @description Events: state (current status, first), log (id = seq; resume with Last-Event-ID), progress (throttled), end (terminal status; the stream then closes).
         */
        get: {
            parameters: {
                query?: {
                    /** @description Like Last-Event-ID */
                    since?: number;
                };
                header?: {
                    /** @description Resume after this event (its sequence number): no gaps, no repeats */
                    "last-event-id"?: string;
                };
                path: {
                    /** @description Job id (a UUID) as returned by POST /api/pipeline/generate/image */
                    job_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Server-sent events: state, then each log event (id = its sequence number), progress, end */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/event-stream": string;
                    };
                };
                /** @description Error envelope */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
                /** @description Error envelope */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pipeline/jobs/{job_id}/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The job's redacted event log */
        get: {
            parameters: {
                query?: {
                    /** @description Only events with seq greater than this */
                    since?: number;
                };
                header?: never;
                path: {
                    /** @description Job id (a UUID) as returned by POST /api/pipeline/generate/image */
                    job_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Events after `since` */
                            events: ({
                                /** @description When it happened (ISO 8601) */
                                at: string;
                                /** @description queued, started, graph_built, submitted, progress, artifact, completed, failed, cancelled… */
                                event: string;
                                /** @description Sequence number of the event within the job */
                                seq: number;
                            } & {
                                [key: string]: unknown;
                            })[];
                            /** @description Job id */
                            job_id: string;
                            /** @description Pass as since to follow */
                            next_since: number;
                            /**
                             * @description Always true on success
                             * @enum {boolean}
                             */
                            ok: true;
                        };
                    };
                };
                /** @description Error envelope */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pipeline/jobs/{job_id}/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The job's webhook deliveries, with every attempt's outcome, status code and latency */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Job id (a UUID) as returned by POST /api/pipeline/generate/image */
                    job_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A job's webhook deliveries */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description One per event told (at most one per kind of end), oldest first */
                            deliveries: {
                                /** @description Every attempt so far, oldest first (the last 50 when there were more) */
                                attempts: {
                                    /** @description When the attempt started */
                                    at: string;
                                    /** @description Why the attempt failed (without the response body), null when delivered */
                                    error: string | null;
                                    /** @description From the request to the answer (or the failure) */
                                    latency_ms: number;
                                    /** @description Made because of POST …/redeliver */
                                    manual: boolean;
                                    /** @description 1 for the first attempt */
                                    number: number;
                                    /**
                                     * @description delivered: a 2xx answer; http_error: any other status (3xx is redirect: redirects are not followed); timeout, network_error: no answer; address_refused: the URL resolved to an address webhooks may not reach
                                     * @enum {string}
                                     */
                                    outcome: "delivered" | "http_error" | "redirect" | "timeout" | "network_error" | "address_refused";
                                    /** @description The receiver's HTTP status, null without an answer */
                                    status_code: number | null;
                                }[];
                                /** @description ISO 8601 timestamp (UTC) */
                                created_at: string;
                                /** @description ISO 8601 timestamp (UTC) */
                                delivered_at: string | null;
                                /** @description Also the webhook-id header: the same for every attempt, so receivers can deduplicate */
                                delivery_id: string;
                                /**
                                 * @description What happened to the job; job.progress (only when asked for) is sent as each quarter is passed
                                 * @enum {string}
                                 */
                                event: "job.completed" | "job.failed" | "job.cancelled" | "job.progress";
                                /** @description The job it is about */
                                job_id: string;
                                /** @description When it is tried next, null once it is not pending */
                                next_attempt_at: string | null;
                                /**
                                 * @description pending: waiting for its next attempt; delivered: a 2xx answer; failed: every retry used (or the receiver answered 410 Gone); superseded: the job did not end as this event said (a restart re-ran it), so it was never sent
                                 * @enum {string}
                                 */
                                status: "pending" | "delivered" | "failed" | "superseded";
                                /** @description Where it is sent */
                                url: string;
                            }[];
                            /** @description The job */
                            job_id: string;
                            /**
                             * @description Always true on success
                             * @enum {boolean}
                             */
                            ok: true;
                        };
                    };
                };
                /** @description Error envelope */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pipeline/jobs/{job_id}/webhooks/{delivery_id}/redeliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a delivery again now (the same webhook-id and body, a fresh timestamp and signature)
         * @description Answers 202 with the delivery, pending; its attempt appears in GET …/webhooks. A redelivery does not use up the retry schedule: if it fails, the delivery goes back to where it was (retrying, or failed).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description delivery_id from GET /api/pipeline/jobs/{job_id}/webhooks */
                    delivery_id: string;
                    /** @description Job id (a UUID) as returned by POST /api/pipeline/generate/image */
                    job_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A webhook the service sends (or sent) about a job */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Every attempt so far, oldest first (the last 50 when there were more) */
                            attempts: {
                                /** @description When the attempt started */
                                at: string;
                                /** @description Why the attempt failed (without the response body), null when delivered */
                                error: string | null;
                                /** @description From the request to the answer (or the failure) */
                                latency_ms: number;
                                /** @description Made because of POST …/redeliver */
                                manual: boolean;
                                /** @description 1 for the first attempt */
                                number: number;
                                /**
                                 * @description delivered: a 2xx answer; http_error: any other status (3xx is redirect: redirects are not followed); timeout, network_error: no answer; address_refused: the URL resolved to an address webhooks may not reach
                                 * @enum {string}
                                 */
                                outcome: "delivered" | "http_error" | "redirect" | "timeout" | "network_error" | "address_refused";
                                /** @description The receiver's HTTP status, null without an answer */
                                status_code: number | null;
                            }[];
                            /** @description ISO 8601 timestamp (UTC) */
                            created_at: string;
                            /** @description ISO 8601 timestamp (UTC) */
                            delivered_at: string | null;
                            /** @description Also the webhook-id header: the same for every attempt, so receivers can deduplicate */
                            delivery_id: string;
                            /**
                             * @description What happened to the job; job.progress (only when asked for) is sent as each quarter is passed
                             * @enum {string}
                             */
                            event: "job.completed" | "job.failed" | "job.cancelled" | "job.progress";
                            /** @description The job it is about */
                            job_id: string;
                            /** @description When it is tried next, null once it is not pending */
                            next_attempt_at: string | null;
                            /**
                             * @description pending: waiting for its next attempt; delivered: a 2xx answer; failed: every retry used (or the receiver answered 410 Gone); superseded: the job did not end as this event said (a restart re-ran it), so it was never sent
                             * @enum {string}
                             */
                            status: "pending" | "delivered" | "failed" | "superseded";
                            /** @description Where it is sent */
                            url: string;
                        };
                    };
                };
                /** @description Error envelope */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
                /** @description Error envelope */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pipeline/presets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List workflow presets (photoreal_portrait_v1 first) */
        get: {
            parameters: {
                query?: {
                    /** @description What kind of pipeline the preset is */
                    category?: "image_generation" | "video_generation" | "character_performance" | "post_processing" | "hybrid_pipeline";
                    /** @description Only presets that can run on this engine id */
                    engine?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /**
                             * @description Always true on success
                             * @enum {boolean}
                             */
                            ok: true;
                            /** @description Presets, photoreal_portrait_v1 first */
                            presets: {
                                /**
                                 * @description What kind of pipeline the preset is
                                 * @enum {string}
                                 */
                                category: "image_generation" | "video_generation" | "character_performance" | "post_processing" | "hybrid_pipeline";
                                /** @description Inputs whose presence makes consent required */
                                consent_required_with: string[];
                                /** @description e.g. no_nsfw */
                                content_restrictions: string[];
                                /** @description Engine-call defaults where a request says nothing */
                                defaults: {
                                    /**
                                     * @description Images per job
                                     * @default 1
                                     */
                                    batch_size: number;
                                    /**
                                     * @description KSampler denoise
                                     * @default 1
                                     */
                                    denoise: number;
                                    /**
                                     * @description Image height in pixels
                                     * @default 1024
                                     */
                                    height: number;
                                    /**
                                     * @description Negative prompt used when the request has none
                                     * @default
                                     */
                                    negative_prompt: string;
                                    /**
                                     * @description KSampler sampler_name
                                     * @default euler
                                     */
                                    sampler: string;
                                    /**
                                     * @description KSampler scheduler
                                     * @default normal
                                     */
                                    scheduler: string;
                                    /**
                                     * @description Image width in pixels
                                     * @default 1024
                                     */
                                    width: number;
                                };
                                /** @description What the preset produces */
                                description: string;
                                /** @description Engines to try, first preferred */
                                engine_preference_order: string[];
                                /** @description Engines the preset can run on */
                                engine_requirements: string[];
                                /** @description Errors this preset is known to produce */
                                failure_modes: {
                                    /**
                                     * @description Taxonomy code
                                     * @enum {string}
                                     */
                                    code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                                    /** @description When it happens */
                                    description: string;
                                }[];
                                /** @description Stable preset id */
                                id: string;
                                /**
                                 * @description Per-preset model overrides of the COMFYUI_* defaults
                                 * @default {}
                                 */
                                models: {
                                    /** @description Checkpoint file (models/checkpoints) */
                                    checkpoint?: string;
                                    /** @description Face restoration model (models/facerestore_models) */
                                    face_restore_model?: string;
                                    /** @description Colour-grading LUT (models/luts) */
                                    grading_lut?: string;
                                    /** @description InstantID ControlNet (models/controlnet) */
                                    instantid_controlnet?: string;
                                    /** @description InstantID model (models/instantid) */
                                    instantid_model?: string;
                                    /** @description Tone-mapping LUT (models/luts) */
                                    tonemap_lut?: string;
                                    /** @description Upscale model file (models/upscale_models) */
                                    upscale_model?: string;
                                };
                                /** @description Display name */
                                name: string;
                                /** @description Inputs a request may give */
                                optional_inputs: {
                                    /** @description What the input is for */
                                    description: string;
                                    /** @description For lists: most items */
                                    max_items?: number;
                                    /** @description For lists: fewest items */
                                    min_items?: number;
                                    /** @description Request field that carries the input */
                                    name: string;
                                    /**
                                     * @description Value type
                                     * @enum {string}
                                     */
                                    type: "string" | "integer" | "image" | "image_list";
                                }[];
                                /** @description Steps in order; each adds graph nodes when its condition holds */
                                pipeline_steps: {
                                    /** @description What the step does */
                                    description: string;
                                    /** @description Step id, e.g. apply_face_restoration */
                                    id: string;
                                    /**
                                     * @description Which graph nodes the step adds
                                     * @enum {string}
                                     */
                                    kind: "generate" | "load_identity_reference" | "face_restoration" | "upscale" | "film_grain" | "tone_mapping" | "color_grading" | "image_to_video" | "save_mp4";
                                    /**
                                     * @description "always", a quality-level flag that must be truthy, or "identity_reference" (runs when references are given)
                                     * @default always
                                     * @enum {string}
                                     */
                                    when: "always" | "face_restoration" | "upscale" | "film_grain" | "tone_mapping" | "color_grading" | "mp4" | "identity_reference";
                                }[];
                                /** @description Parameters per quality level: low, standard, pro */
                                quality_levels: {
                                    /** @description Parameters at low */
                                    low: {
                                        /** @description KSampler classifier-free guidance */
                                        cfg: number;
                                        /** @description Apply colour grading */
                                        color_grading?: boolean;
                                        /** @description Run face restoration after decoding */
                                        face_restoration?: boolean;
                                        /** @description Add film grain */
                                        film_grain?: boolean;
                                        /** @description image_to_video: frames per second of the saved animation */
                                        fps?: number;
                                        /** @description image_to_video: frames to make */
                                        frames?: number;
                                        /**
                                         * @description How identity is locked at this level
                                         * @enum {string}
                                         */
                                        identity_method?: "ip_adapter" | "ip_adapter_plus" | "instantid";
                                        /** @description Strength of the identity lock */
                                        ip_adapter_weight?: number;
                                        /** @description image_to_video: how much motion (Stable Video Diffusion, default 127) */
                                        motion_bucket_id?: number;
                                        /** @description Also save the animation as an MP4 (save_mp4 step) */
                                        mp4?: boolean;
                                        /** @description KSampler steps */
                                        steps: number;
                                        /** @description Apply Reinhard tone mapping */
                                        tone_mapping?: boolean;
                                        /** @description false, or the upscale factor */
                                        upscale?: false | number;
                                    };
                                    /** @description Parameters at pro */
                                    pro: {
                                        /** @description KSampler classifier-free guidance */
                                        cfg: number;
                                        /** @description Apply colour grading */
                                        color_grading?: boolean;
                                        /** @description Run face restoration after decoding */
                                        face_restoration?: boolean;
                                        /** @description Add film grain */
                                        film_grain?: boolean;
                                        /** @description image_to_video: frames per second of the saved animation */
                                        fps?: number;
                                        /** @description image_to_video: frames to make */
                                        frames?: number;
                                        /**
                                         * @description How identity is locked at this level
                                         * @enum {string}
                                         */
                                        identity_method?: "ip_adapter" | "ip_adapter_plus" | "instantid";
                                        /** @description Strength of the identity lock */
                                        ip_adapter_weight?: number;
                                        /** @description image_to_video: how much motion (Stable Video Diffusion, default 127) */
                                        motion_bucket_id?: number;
                                        /** @description Also save the animation as an MP4 (save_mp4 step) */
                                        mp4?: boolean;
                                        /** @description KSampler steps */
                                        steps: number;
                                        /** @description Apply Reinhard tone mapping */
                                        tone_mapping?: boolean;
                                        /** @description false, or the upscale factor */
                                        upscale?: false | number;
                                    };
                                    /** @description Parameters at standard */
                                    standard: {
                                        /** @description KSampler classifier-free guidance */
                                        cfg: number;
                                        /** @description Apply colour grading */
                                        color_grading?: boolean;
                                        /** @description Run face restoration after decoding */
                                        face_restoration?: boolean;
                                        /** @description Add film grain */
                                        film_grain?: boolean;
                                        /** @description image_to_video: frames per second of the saved animation */
                                        fps?: number;
                                        /** @description image_to_video: frames to make */
                                        frames?: number;
                                        /**
                                         * @description How identity is locked at this level
                                         * @enum {string}
                                         */
                                        identity_method?: "ip_adapter" | "ip_adapter_plus" | "instantid";
                                        /** @description Strength of the identity lock */
                                        ip_adapter_weight?: number;
                                        /** @description image_to_video: how much motion (Stable Video Diffusion, default 127) */
                                        motion_bucket_id?: number;
                                        /** @description Also save the animation as an MP4 (save_mp4 step) */
                                        mp4?: boolean;
                                        /** @description KSampler steps */
                                        steps: number;
                                        /** @description Apply Reinhard tone mapping */
                                        tone_mapping?: boolean;
                                        /** @description false, or the upscale factor */
                                        upscale?: false | number;
                                    };
                                };
                                /** @description Inputs a request must give */
                                required_inputs: {
                                    /** @description What the input is for */
                                    description: string;
                                    /** @description For lists: most items */
                                    max_items?: number;
                                    /** @description For lists: fewest items */
                                    min_items?: number;
                                    /** @description Request field that carries the input */
                                    name: string;
                                    /**
                                     * @description Value type
                                     * @enum {string}
                                     */
                                    type: "string" | "integer" | "image" | "image_list";
                                }[];
                                /** @description Consent is needed for every request */
                                requires_consent: boolean;
                                /** @description Rules of use shown to creators */
                                safety_notes: string[];
                                /** @description Position in listings (ascending) */
                                sort_order: number;
                                /** @description Preset revision */
                                version: string;
                            }[];
                        };
                    };
                };
                /** @description Error envelope */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pipeline/presets/{preset_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One workflow preset */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Preset id */
                    preset_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /**
                             * @description Always true on success
                             * @enum {boolean}
                             */
                            ok: true;
                            /** @description A curated workflow preset */
                            preset: {
                                /**
                                 * @description What kind of pipeline the preset is
                                 * @enum {string}
                                 */
                                category: "image_generation" | "video_generation" | "character_performance" | "post_processing" | "hybrid_pipeline";
                                /** @description Inputs whose presence makes consent required */
                                consent_required_with: string[];
                                /** @description e.g. no_nsfw */
                                content_restrictions: string[];
                                /** @description Engine-call defaults where a request says nothing */
                                defaults: {
                                    /**
                                     * @description Images per job
                                     * @default 1
                                     */
                                    batch_size: number;
                                    /**
                                     * @description KSampler denoise
                                     * @default 1
                                     */
                                    denoise: number;
                                    /**
                                     * @description Image height in pixels
                                     * @default 1024
                                     */
                                    height: number;
                                    /**
                                     * @description Negative prompt used when the request has none
                                     * @default
                                     */
                                    negative_prompt: string;
                                    /**
                                     * @description KSampler sampler_name
                                     * @default euler
                                     */
                                    sampler: string;
                                    /**
                                     * @description KSampler scheduler
                                     * @default normal
                                     */
                                    scheduler: string;
                                    /**
                                     * @description Image width in pixels
                                     * @default 1024
                                     */
                                    width: number;
                                };
                                /** @description What the preset produces */
                                description: string;
                                /** @description Engines to try, first preferred */
                                engine_preference_order: string[];
                                /** @description Engines the preset can run on */
                                engine_requirements: string[];
                                /** @description Errors this preset is known to produce */
                                failure_modes: {
                                    /**
                                     * @description Taxonomy code
                                     * @enum {string}
                                     */
                                    code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                                    /** @description When it happens */
                                    description: string;
                                }[];
                                /** @description Stable preset id */
                                id: string;
                                /**
                                 * @description Per-preset model overrides of the COMFYUI_* defaults
                                 * @default {}
                                 */
                                models: {
                                    /** @description Checkpoint file (models/checkpoints) */
                                    checkpoint?: string;
                                    /** @description Face restoration model (models/facerestore_models) */
                                    face_restore_model?: string;
                                    /** @description Colour-grading LUT (models/luts) */
                                    grading_lut?: string;
                                    /** @description InstantID ControlNet (models/controlnet) */
                                    instantid_controlnet?: string;
                                    /** @description InstantID model (models/instantid) */
                                    instantid_model?: string;
                                    /** @description Tone-mapping LUT (models/luts) */
                                    tonemap_lut?: string;
                                    /** @description Upscale model file (models/upscale_models) */
                                    upscale_model?: string;
                                };
                                /** @description Display name */
                                name: string;
                                /** @description Inputs a request may give */
                                optional_inputs: {
                                    /** @description What the input is for */
                                    description: string;
                                    /** @description For lists: most items */
                                    max_items?: number;
                                    /** @description For lists: fewest items */
                                    min_items?: number;
                                    /** @description Request field that carries the input */
                                    name: string;
                                    /**
                                     * @description Value type
                                     * @enum {string}
                                     */
                                    type: "string" | "integer" | "image" | "image_list";
                                }[];
                                /** @description Steps in order; each adds graph nodes when its condition holds */
                                pipeline_steps: {
                                    /** @description What the step does */
                                    description: string;
                                    /** @description Step id, e.g. apply_face_restoration */
                                    id: string;
                                    /**
                                     * @description Which graph nodes the step adds
                                     * @enum {string}
                                     */
                                    kind: "generate" | "load_identity_reference" | "face_restoration" | "upscale" | "film_grain" | "tone_mapping" | "color_grading" | "image_to_video" | "save_mp4";
                                    /**
                                     * @description "always", a quality-level flag that must be truthy, or "identity_reference" (runs when references are given)
                                     * @default always
                                     * @enum {string}
                                     */
                                    when: "always" | "face_restoration" | "upscale" | "film_grain" | "tone_mapping" | "color_grading" | "mp4" | "identity_reference";
                                }[];
                                /** @description Parameters per quality level: low, standard, pro */
                                quality_levels: {
                                    /** @description Parameters at low */
                                    low: {
                                        /** @description KSampler classifier-free guidance */
                                        cfg: number;
                                        /** @description Apply colour grading */
                                        color_grading?: boolean;
                                        /** @description Run face restoration after decoding */
                                        face_restoration?: boolean;
                                        /** @description Add film grain */
                                        film_grain?: boolean;
                                        /** @description image_to_video: frames per second of the saved animation */
                                        fps?: number;
                                        /** @description image_to_video: frames to make */
                                        frames?: number;
                                        /**
                                         * @description How identity is locked at this level
                                         * @enum {string}
                                         */
                                        identity_method?: "ip_adapter" | "ip_adapter_plus" | "instantid";
                                        /** @description Strength of the identity lock */
                                        ip_adapter_weight?: number;
                                        /** @description image_to_video: how much motion (Stable Video Diffusion, default 127) */
                                        motion_bucket_id?: number;
                                        /** @description Also save the animation as an MP4 (save_mp4 step) */
                                        mp4?: boolean;
                                        /** @description KSampler steps */
                                        steps: number;
                                        /** @description Apply Reinhard tone mapping */
                                        tone_mapping?: boolean;
                                        /** @description false, or the upscale factor */
                                        upscale?: false | number;
                                    };
                                    /** @description Parameters at pro */
                                    pro: {
                                        /** @description KSampler classifier-free guidance */
                                        cfg: number;
                                        /** @description Apply colour grading */
                                        color_grading?: boolean;
                                        /** @description Run face restoration after decoding */
                                        face_restoration?: boolean;
                                        /** @description Add film grain */
                                        film_grain?: boolean;
                                        /** @description image_to_video: frames per second of the saved animation */
                                        fps?: number;
                                        /** @description image_to_video: frames to make */
                                        frames?: number;
                                        /**
                                         * @description How identity is locked at this level
                                         * @enum {string}
                                         */
                                        identity_method?: "ip_adapter" | "ip_adapter_plus" | "instantid";
                                        /** @description Strength of the identity lock */
                                        ip_adapter_weight?: number;
                                        /** @description image_to_video: how much motion (Stable Video Diffusion, default 127) */
                                        motion_bucket_id?: number;
                                        /** @description Also save the animation as an MP4 (save_mp4 step) */
                                        mp4?: boolean;
                                        /** @description KSampler steps */
                                        steps: number;
                                        /** @description Apply Reinhard tone mapping */
                                        tone_mapping?: boolean;
                                        /** @description false, or the upscale factor */
                                        upscale?: false | number;
                                    };
                                    /** @description Parameters at standard */
                                    standard: {
                                        /** @description KSampler classifier-free guidance */
                                        cfg: number;
                                        /** @description Apply colour grading */
                                        color_grading?: boolean;
                                        /** @description Run face restoration after decoding */
                                        face_restoration?: boolean;
                                        /** @description Add film grain */
                                        film_grain?: boolean;
                                        /** @description image_to_video: frames per second of the saved animation */
                                        fps?: number;
                                        /** @description image_to_video: frames to make */
                                        frames?: number;
                                        /**
                                         * @description How identity is locked at this level
                                         * @enum {string}
                                         */
                                        identity_method?: "ip_adapter" | "ip_adapter_plus" | "instantid";
                                        /** @description Strength of the identity lock */
                                        ip_adapter_weight?: number;
                                        /** @description image_to_video: how much motion (Stable Video Diffusion, default 127) */
                                        motion_bucket_id?: number;
                                        /** @description Also save the animation as an MP4 (save_mp4 step) */
                                        mp4?: boolean;
                                        /** @description KSampler steps */
                                        steps: number;
                                        /** @description Apply Reinhard tone mapping */
                                        tone_mapping?: boolean;
                                        /** @description false, or the upscale factor */
                                        upscale?: false | number;
                                    };
                                };
                                /** @description Inputs a request must give */
                                required_inputs: {
                                    /** @description What the input is for */
                                    description: string;
                                    /** @description For lists: most items */
                                    max_items?: number;
                                    /** @description For lists: fewest items */
                                    min_items?: number;
                                    /** @description Request field that carries the input */
                                    name: string;
                                    /**
                                     * @description Value type
                                     * @enum {string}
                                     */
                                    type: "string" | "integer" | "image" | "image_list";
                                }[];
                                /** @description Consent is needed for every request */
                                requires_consent: boolean;
                                /** @description Rules of use shown to creators */
                                safety_notes: string[];
                                /** @description Position in listings (ascending) */
                                sort_order: number;
                                /** @description Preset revision */
                                version: string;
                            };
                        };
                    };
                };
                /** @description Error envelope */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pipeline/uploads": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Upload one reference image (multipart/form-data, field "image" or any file field)
         * @description A complete PNG, JPEG or WebP image, recognised and checked by content (structure, dimensions; at most UPLOAD_MAX_PIXELS pixels); the size limit is UPLOAD_LIMIT_BYTES. Returns an upload_id for identity_reference.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "multipart/form-data": {
                        /**
                         * Format: binary
                         * @description The image file: PNG, JPEG or WebP
                         */
                        image: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /**
                             * @description Always true on success
                             * @enum {boolean}
                             */
                            ok: true;
                            /** @description The stored upload */
                            upload: {
                                /**
                                 * @description Type recognised from the bytes
                                 * @enum {string}
                                 */
                                content_type: "image/png" | "image/jpeg" | "image/webp";
                                /** @description Upload time (ISO 8601) */
                                created_at: string;
                                /** @description Height in pixels, read from the image */
                                height: number | null;
                                /** @description SHA-256 of the bytes */
                                sha256: string;
                                /** @description Size in bytes */
                                size_bytes: number;
                                /** @description Id to use in identity_reference */
                                upload_id: string;
                                /** @description Width in pixels, read from the image */
                                width: number | null;
                            };
                        };
                    };
                };
                /** @description Error envelope */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
                /** @description Error envelope */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
                /** @description Error envelope */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
                /** @description Error envelope */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/content/images/{*}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The original frontend's image URL: an alias of the artifact download
         * @description Resolves `/content/images/` followed by this service's artifact URL (`/api/pipeline/jobs/{job_id}/artifacts/{filename}`) or the original service's relative path (`{job_id}/image/{filename}`), and serves the artifact exactly as the download route does.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description An artifact URL or relative artifact path */
                    "*": string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The file bytes */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                    };
                };
                /** @description Not modified */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
                /** @description Error envelope */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Machine-readable context, or null */
                            detail: {
                                [key: string]: unknown;
                            } | null;
                            /** @description The error code again (kept for old clients) */
                            error: string;
                            /**
                             * @description Stable taxonomy code
                             * @enum {string}
                             */
                            error_code: "AUTH_MISSING" | "AUTH_INVALID" | "AUTH_EXPIRED" | "AUTH_INSUFFICIENT_PERMISSIONS" | "CONTRACT_MISMATCH" | "MISSING_REQUIRED_FIELD" | "INVALID_FIELD_TYPE" | "INVALID_FIELD_VALUE" | "DEPENDENCY_MISSING" | "ENGINE_OFFLINE" | "DB_UNAVAILABLE" | "STORAGE_UNAVAILABLE" | "REDIS_UNAVAILABLE" | "DOWNLOAD_FAILED" | "CHECKSUM_MISMATCH" | "DISK_FULL" | "DOWNLOAD_TIMEOUT" | "DOWNLOAD_CANCELLED" | "FILE_NOT_FOUND" | "PERMISSION_DENIED" | "INSUFFICIENT_DISK_SPACE" | "CONNECTION_REFUSED" | "CONNECTION_TIMEOUT" | "SERVICE_UNAVAILABLE" | "VALIDATION_ERROR" | "MISSING_PARAMETER" | "RATE_LIMIT_EXCEEDED" | "LICENSE_UNKNOWN" | "CHECKSUM_MISSING" | "CONSENT_MISSING" | "INSUFFICIENT_FUNDS" | "ENGINE_TIMEOUT" | "SAFETY_FILTER" | "UNKNOWN_ERROR" | "ENGINE_EXECUTION_FAILED" | "ENGINE_PROTOCOL_ERROR" | "JOB_CANCELLED" | "JOB_NOT_CANCELLABLE" | "WEBHOOKS_NOT_CONFIGURED" | "WEBHOOK_URL_NOT_ALLOWED" | "WEBHOOK_NOT_REDELIVERABLE" | "IDEMPOTENCY_KEY_REUSED" | "ROUTE_NOT_FOUND" | "INVALID_JSON" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "ENGINE_OUTPUT_MISSING" | "OUTPUT_TOO_LARGE" | "HOST_NOT_ALLOWED" | "ORIGIN_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "INVALID_IMAGE" | "RANGE_NOT_SATISFIABLE" | "JOB_INTERRUPTED";
                            /** @description One entry per offending field */
                            errors?: {
                                /** @description Dotted path of the offending field ("" for the whole body) */
                                field: string;
                                /** @description For an unknown key: the key itself */
                                key?: string;
                                /** @description What is wrong with it */
                                message: string;
                            }[];
                            /** @description The job that failed, when one was created */
                            job_id?: string;
                            /** @description A human-readable sentence */
                            message: string;
                            /** @description Required fields that were absent */
                            missing_fields?: string[];
                            /**
                             * @description Always false for errors
                             * @enum {boolean}
                             */
                            ok: false;
                            /** @description Steps that fix the problem */
                            remediation: string[];
                            /** @description Quote this when reporting a problem; it is in the service log too */
                            request_id: string;
                            /** @description Whether the same request may succeed later */
                            retryable: boolean;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Prometheus text exposition format 0.0.4 */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/plain; version=0.0.4": string;
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: never;
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
