import { useEffect, useState } from "react";

/** useDebounced is v once it has stayed the same for ms: what a search box asks the server for while the person types. */
export function useDebounced<T>(v: T, ms: number): T {
  const [out, setOut] = useState(v);
  useEffect(() => {
    const timer = setTimeout(() => setOut(v), ms);
    return () => clearTimeout(timer);
  }, [v, ms]);
  return out;
}
