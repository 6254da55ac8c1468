import { describe, expect, it } from "vitest";
import { csvField } from "./csvOut.ts";

describe("csvField", () => {
  it("neutralises spreadsheet formulas (CSV injection): =HYPERLINK, +, -, @, tab and CR open as text", () => {
    expect(csvField('=HYPERLINK("http://evil.example","B cell")')).toBe(`"'=HYPERLINK(""http://evil.example"",""B cell"")"`);
    expect(csvField("+1+cmd|' /C calc'!A0")).toBe("'+1+cmd|' /C calc'!A0");
    expect(csvField("-2+3")).toBe("'-2+3");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField("\t=1")).toBe(`"'\t=1"`);
    expect(csvField("\r=1")).toBe(`"'\r=1"`);
  });

  it("quotes commas, quotes and line breaks and leaves plain text alone", () => {
    expect(csvField("CD4+ T cell")).toBe("CD4+ T cell");
    expect(csvField('a "b", c')).toBe('"a ""b"", c"');
    expect(csvField("AAACATACAACCAC-1")).toBe("AAACATACAACCAC-1");
  });
});
