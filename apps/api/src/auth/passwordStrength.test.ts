import { describe, expect, it } from "vitest";
import { AppError } from "../errors.ts";
import { assertStrongPassword } from "./passwordStrength.ts";

const refusal = (password: string, related?: string[]) => {
  try {
    assertStrongPassword(password, related);
    return null;
  } catch (err) {
    return err instanceof AppError ? { code: err.code, field: err.field, message: err.message } : err;
  }
};

describe("assertStrongPassword", () => {
  it("refuses common and patterned passwords with a typed one-line error", () => {
    for (const p of ["1234567890", "password12", "qwertyuiop", "hunter2hunter2"]) {
      const r = refusal(p);
      expect(r, p).toMatchObject({ code: "INVALID_INPUT", field: "password" });
      expect((r as { message: string }).message).toMatch(/^password is too weak: [^\n]+$/);
    }
  });

  it("refuses a password made of the account's own e-mail address or name", () => {
    expect(refusal("marie.curie.lab", ["marie.curie.lab@lab.org", "Marie Curie"])).toMatchObject({ code: "INVALID_INPUT" });
  });

  it("accepts passphrases (the ones the tests and docs use)", () => {
    for (const p of ["correct horse battery", "another long one", "new password 1"]) expect(refusal(p), p).toBeNull();
  });
});
