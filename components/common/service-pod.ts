import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { RUNTIME_DEFAULT_SECCOMP } from "./security-context";
import { zoneSpread } from "./topology";

/** A pod template annotation value that changes whenever the config does, so pods roll. */
export const configChecksum = (text: string) => createHash("sha256").update(text).digest("hex");

export interface ServicePodBase {
  readonly podLabels: Readonly<Record<string, string>>;
  /** The image's unprivileged user and group. */
  readonly uid: number;
  readonly configChecksum: pulumi.Input<string>;
  readonly terminationGracePeriodSeconds: number;
  /** Spread over zones and nodes (prod). */
  readonly highAvailability?: boolean;
  /** Group owning writable volumes. Default: none. */
  readonly fsGroup?: number;
}

/**
 * What the pod templates of the platform's own services share: restricted pod security as the image's
 * user, no API token, no service links, the config checksum, and the zone spread in HA.
 */
export function servicePodBase(base: ServicePodBase) {
  const pods = { ...base.podLabels };
  return {
    metadata: { labels: pods, annotations: { "checksum/config": base.configChecksum } },
    spec: {
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: base.terminationGracePeriodSeconds,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: base.uid,
        runAsGroup: base.uid,
        ...(base.fsGroup !== undefined ? { fsGroup: base.fsGroup } : {}),
        seccompProfile: RUNTIME_DEFAULT_SECCOMP,
      },
      ...(base.highAvailability ? { topologySpreadConstraints: zoneSpread(pods) } : {}),
    },
  };
}
