// Public API of @lakehouse/verification: checks over the lake's tables, shared by `refiner verify` and the
// maintainer's scheduled verification.
export {};
