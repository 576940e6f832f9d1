/** A container environment variable read from a key of a Secret, never a value in the pod spec. */
export const envFromSecret = (variable: string, name: string, key: string) => ({
  name: variable,
  valueFrom: { secretKeyRef: { name, key } },
});
