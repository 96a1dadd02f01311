// Placeholder until the orders service lands (next commit): keeps `nx build` green.
export {};
