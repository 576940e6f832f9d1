/**
 * The Pod Security "restricted" settings, written once: every platform container gets them (through
 * the chart's values or the workload spec) unless its component says why it cannot.
 */
export const RUNTIME_DEFAULT_SECCOMP = { type: "RuntimeDefault" };

export const RESTRICTED_CONTAINER = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  seccompProfile: RUNTIME_DEFAULT_SECCOMP,
};

export const RESTRICTED_READ_ONLY_CONTAINER = { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: true };
