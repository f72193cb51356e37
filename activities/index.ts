// Activities are built by a factory that receives their dependencies, so tests pass fakes and production passes
// real clients (see src/runtime/dependencies.ts).

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- grows with the vendor clients (issues 3, 5, 6)
export interface ActivityDependencies {}

export function createActivities(_deps: ActivityDependencies) {
  return {};
}

export type Activities = ReturnType<typeof createActivities>;
