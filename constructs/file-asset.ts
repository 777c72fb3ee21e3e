import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Construct, IConstruct } from "constructs";
import { TerraformStack } from "./core";
import { ValidationError } from "./errors";

export interface FileAssetProps {
  /** Absolute path of the local file. */
  readonly sourcePath: string;
}

/**
 * One local file shipped inside a synthesized stack, at the path cdktf's TerraformAsset gives it
 * (`assets/<logical id>/<content hash>/<file name>`, the hash being cdktf's: MD5, upper-case hex),
 * so a content change shows in review as a new path and the Terraform JSON is the same as with
 * TerraformAsset.
 *
 * Unlike TerraformAsset it writes nothing while the app synthesizes. TerraformAsset copies every
 * file into a fresh directory on every synth (two directories and a copy per file), and a
 * staged synth then deletes the previous copies: about 400 file-system writes per synth of this
 * app, the largest cost after module loading (#17). The path is content-addressed, so a file
 * already published there is already right: `FileAsset.write` writes only what is missing,
 * after the stack's JSON has passed its checks, and `FileAsset.prune` removes what no asset
 * names any more once the new JSON is in place.
 * A bare `app.synth()` therefore writes the JSON alone; stacks/synth.ts publishes the assets.
 */
export class FileAsset extends Construct {
  /** Path relative to the stack directory, for a resource's `source`. */
  readonly path: string;
  readonly sourcePath: string;
  private readonly content: Buffer;

  constructor(scope: Construct, id: string, props: FileAssetProps) {
    super(scope, id);
    if (!path.isAbsolute(props.sourcePath)) throw new ValidationError(this, `sourcePath: expected an absolute path, got "${props.sourcePath}"`);
    let content: Buffer;
    try {
      content = fs.readFileSync(props.sourcePath);
    } catch {
      throw new ValidationError(this, `sourcePath: "${props.sourcePath}" is not a readable file`);
    }
    this.sourcePath = props.sourcePath;
    this.content = content;
    const hash = crypto.createHash("md5").update(content).digest("hex").toUpperCase();
    this.path = path.posix.join("assets", TerraformStack.of(this).getLogicalId(this.node), hash, path.basename(props.sourcePath));
  }

  /** Every FileAsset under `scope`, in construction order. */
  static all(scope: IConstruct): FileAsset[] {
    return scope.node.findAll().filter((c): c is FileAsset => c instanceof FileAsset);
  }

  /**
   * Writes each asset that `stackDir` lacks or holds with other content, to a temporary name and
   * then renamed, so an interrupted publish never leaves a short file under the right name.
   */
  static write(assets: readonly FileAsset[], stackDir: string): void {
    for (const asset of assets) asset.writeInto(stackDir);
  }

  /** Removes every file and folder under `stackDir/assets` that none of `assets` names. */
  static prune(assets: readonly FileAsset[], stackDir: string): void {
    removeUnnamed(path.join(stackDir, "assets"), "assets", new Set(assets.flatMap((a) => ancestorsOf(a.path))));
  }

  private writeInto(stackDir: string): void {
    const target = path.join(stackDir, this.path);
    if (sameContent(target, this.content)) return;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const partial = `${target}.${process.pid}.partial`;
    fs.writeFileSync(partial, this.content);
    fs.renameSync(partial, target);
  }
}

function sameContent(file: string, content: Buffer): boolean {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  return stat !== undefined && stat.isFile() && stat.size === content.length && fs.readFileSync(file).equals(content);
}

/** `assets/a/b/f` → `assets/a`, `assets/a/b`, `assets/a/b/f`. */
function ancestorsOf(relative: string): string[] {
  const parts = relative.split("/");
  return parts.slice(1).map((_, i) => parts.slice(0, i + 2).join("/"));
}

function removeUnnamed(dir: string, relative: string, keep: ReadonlySet<string>): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw e;
  }
  for (const entry of entries) {
    const rel = `${relative}/${entry.name}`;
    const full = path.join(dir, entry.name);
    if (!keep.has(rel)) fs.rmSync(full, { recursive: true, force: true });
    else if (entry.isDirectory()) removeUnnamed(full, rel, keep);
  }
}
