"use client";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect } from "react";
import { gql } from "../graphql/client";
import { SIGN_OUT, VIEWER, type ViewerData } from "../graphql/operations";
import { resetSocket } from "../graphql/socket";
import { setViewer, useViewer } from "../graphql/viewer";

export function TopBar() {
  const pathname = usePathname();
  const router = useRouter();
  const viewer = useViewer();

  // Re-read on navigation: signing in or out changes who this is.
  useEffect(() => {
    let live = true;
    gql<ViewerData>(VIEWER)
      .then((d) => live && setViewer(d.viewer ? { id: d.viewer.id, name: d.viewer.name } : null))
      .catch(() => live && setViewer(null));
    return () => {
      live = false;
    };
  }, [pathname]);

  async function signOut() {
    await gql(SIGN_OUT).catch(() => undefined);
    resetSocket();
    setViewer(null);
    router.push("/signin");
  }

  return (
    <header className="top">
      <Link href="/teams" className="brand">
        scFNCCL
      </Link>
      <nav aria-label="Main">
        <ul>
          <li>
            <Link href="/teams" aria-current={pathname.startsWith("/teams") ? "page" : undefined}>
              Teams
            </Link>
          </li>
          <li>
            <Link href="/compare" aria-current={pathname.startsWith("/compare") ? "page" : undefined}>
              Compare runs
            </Link>
          </li>
          <li>
            <Link href="/tokens" aria-current={pathname.startsWith("/tokens") ? "page" : undefined}>
              API tokens
            </Link>
          </li>
        </ul>
      </nav>
      <div className="who">
        {viewer ? (
          <>
            <span data-testid="viewer-name">{viewer.name}</span>
            <button type="button" className="secondary" onClick={() => void signOut()}>
              Sign out
            </button>
          </>
        ) : viewer === null ? (
          <Link href="/signin">Sign in</Link>
        ) : null}
      </div>
    </header>
  );
}
