import { Outlet } from "react-router";
import { Header } from "./Header";

// Shell is the signed-in frame: the header above whatever route is open.
export function Shell() {
  return (
    <div className="flex h-full min-w-[1024px] flex-col">
      <Header />
      <div className="flex min-h-0 flex-1">
        <Outlet />
      </div>
    </div>
  );
}
