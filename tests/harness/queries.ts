import type { DeclaredResource, StackRun } from "./run-stack";

export function ofType(run: StackRun, type: string): DeclaredResource[] {
  return run.resources.filter((resource) => resource.type === type);
}

/** The only resource of a type; fails when there are none or several. */
export function single(run: StackRun, type: string): DeclaredResource {
  const found = ofType(run, type);
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
  return found[0] as DeclaredResource;
}

export function byName(run: StackRun, type: string, name: string): DeclaredResource {
  const found = ofType(run, type).find((resource) => resource.name === name);
  if (!found)
    throw new Error(
      `no ${type} named ${name}; have ${ofType(run, type)
        .map((r) => r.name)
        .join(", ")}`,
    );
  return found;
}

/** Resources whose parent chain reaches `ancestor`. */
export function descendantsOf(run: StackRun, ancestor: DeclaredResource): DeclaredResource[] {
  const byUrn = new Map(run.resources.map((resource) => [resource.urn, resource]));
  return run.resources.filter((resource) => {
    for (let parent = byUrn.get(resource.parent); parent; parent = byUrn.get(parent.parent)) {
      if (parent.urn === ancestor.urn) return true;
    }
    return false;
  });
}
