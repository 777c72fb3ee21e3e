import { Notebook } from "@cdktf/provider-databricks/lib/notebook";
import { WorkspaceFile } from "@cdktf/provider-databricks/lib/workspace-file";
import * as fs from "fs";
import * as path from "path";
import { Construct } from "constructs";
import { ValidationError } from "./errors";
import { FileAsset } from "./file-asset";

export interface WorkspaceSourceProps {
  /** Absolute path of the local source file. */
  readonly localPath: string;
  /** Absolute workspace path it is deployed to. */
  readonly workspacePath: string;
  /**
   * `notebook` for a Databricks notebook (Python source with the notebook header), `file` for a
   * workspace file such as a SQL file read by a SQL file task.
   */
  readonly kind: "notebook" | "file";
}

/**
 * Deploys one file from this repository into the workspace. The file is published into the
 * synthesized stack as an asset (FileAsset), so the stack folder holds the exact code it deploys
 * and a content change shows in review as a new asset path.
 */
export class WorkspaceSource extends Construct {
  /** Workspace path, as a reference that orders dependants after the upload. */
  readonly path: string;
  /** The notebook or workspace file, for `dependsOn`. */
  readonly resource: Notebook | WorkspaceFile;

  constructor(scope: Construct, id: string, props: WorkspaceSourceProps) {
    super(scope, id);
    if (!path.isAbsolute(props.localPath) || !fs.existsSync(props.localPath)) {
      throw new ValidationError(this, `localPath: "${props.localPath}" is not an existing absolute path`);
    }
    if (!props.workspacePath.startsWith("/")) {
      throw new ValidationError(this, `workspacePath: expected an absolute workspace path, got "${props.workspacePath}"`);
    }
    const asset = new FileAsset(this, "Asset", { sourcePath: props.localPath });
    if (props.kind === "notebook") {
      const notebook = new Notebook(this, "Resource", {
        path: props.workspacePath,
        source: asset.path,
        language: props.localPath.endsWith(".sql") ? "SQL" : "PYTHON",
      });
      this.resource = notebook;
      this.path = notebook.path;
    } else {
      const file = new WorkspaceFile(this, "Resource", { path: props.workspacePath, source: asset.path });
      this.resource = file;
      this.path = file.path;
    }
  }
}
