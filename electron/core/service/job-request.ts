/** Turns a queue item and the settings into the core's file job. */
import type { ItemOverride, PixelSize, Settings } from '../../ipc/payloads.js';
import { describeTarget, toSizeSpec } from '../../ipc/size-choice.js';
import type { UpscaleFileRequest } from '../jobs/upscale-file.js';

/**
 * Output tile side for a target: small enough that the progress bar and ETA move about a dozen
 * times per image (progress is reported per tile), large enough that tile halos cost little.
 */
export function progressTileSide(width: number, height: number): number {
  return Math.min(1024, Math.max(192, Math.ceil(Math.sqrt((width * height) / 12))));
}

/** The app's templates leave out the extension; the core's need `{ext}`. */
export function templateWithExt(template: string): string {
  return template.includes('{ext}') ? template : `${template}.{ext}`;
}

/** The job for one photo: the item's own settings win over the defaults. */
export function jobRequest(
  input: string,
  source: PixelSize,
  override: ItemOverride | undefined,
  settings: Settings,
): { ok: true; request: UpscaleFileRequest } | { ok: false; problem: string } {
  const size = override?.size ?? settings.size;
  const described = describeTarget(size, source);
  if (!described.ok) return { ok: false, problem: described.problem };
  const { output } = settings;
  const format = override?.format ?? output.format;
  return {
    ok: true,
    request: {
      input,
      size: toSizeSpec(size, source),
      output: {
        dir: output.folder ?? undefined,
        template: templateWithExt(output.template),
        format: format === 'same' ? undefined : format,
        quality: output.quality,
        onConflict: output.onConflict,
        keepMetadata: output.keepMetadata,
      },
      tileSide: progressTileSide(described.target.width, described.target.height),
    },
  };
}
