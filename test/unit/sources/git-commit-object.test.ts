import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import {
  isoWithOffset,
  readCommitObject,
} from "../../../src/sources/git-tree.js";
import { TestRepo } from "../../helpers/git-repo.js";

const run = promisify(execFile);
let root: string | undefined;

afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe("reading a commit object", () => {
  it("formats author times as git does for %aI", () => {
    expect(isoWithOffset(1_767_225_600, "+0000")).toBe(
      "2026-01-01T00:00:00+00:00",
    );
    expect(isoWithOffset(1_767_225_600, "+0530")).toBe(
      "2026-01-01T05:30:00+05:30",
    );
    expect(isoWithOffset(1_767_225_600, "-0800")).toBe(
      "2025-12-31T16:00:00-08:00",
    );
  });

  it("gives what git log shows, and the parents", async () => {
    root = await mkdtemp(join(tmpdir(), "keelson-commit-"));
    const repo = await TestRepo.create(root);
    const first = await repo.commit({ "a.yaml": "a: 1\n" }, "first");
    const second = await repo.commit(
      { "a.yaml": "a: 2\n" },
      "Bump a\nto two\n\nbecause",
      "Grace Hopper <grace@example.com>",
    );
    const git = {
      run: async (args: string[], input?: string) => {
        const child = execFile("git", ["-C", repo.work, ...args], {
          encoding: "buffer",
          env: { ...repo.env },
        });
        child.stdin!.end(input ?? "");
        const chunks: Buffer[] = [];
        child.stdout!.on("data", (c: Buffer) => chunks.push(c));
        await new Promise((resolve) => child.on("close", resolve));
        return Buffer.concat(chunks);
      },
    };
    const commit = await readCommitObject(git, "HEAD");
    const { stdout } = await run(
      "git",
      [
        "-C",
        repo.work,
        "log",
        "-1",
        "--format=%an%x00%ae%x00%aI%x00%s",
        "HEAD",
      ],
      { env: repo.env },
    );
    const [author, email, authoredAt, subject] = stdout.trim().split("\0");
    expect(commit).toEqual({
      sha: second,
      parents: [first],
      author,
      authorEmail: email,
      authoredAt,
      subject,
    });
    expect(commit.subject).toBe("Bump a to two");
  });
});
