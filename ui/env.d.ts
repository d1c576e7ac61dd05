// Types for what Vite adds to modules under ui/ (import.meta.glob, ?raw, worker URLs).
/// <reference types="vite/client" />
