import type { Metadata } from "next";
import type { ReactNode } from "react";
import { TopBar } from "../components/TopBar";
import "./globals.css";

export const metadata: Metadata = {
  title: "scFNCCL",
  description: "Cluster single-cell data and agree on cell types together",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <TopBar />
        <main id="main">{children}</main>
      </body>
    </html>
  );
}
