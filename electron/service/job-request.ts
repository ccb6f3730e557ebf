/** Turns a queue item and the settings into the core's file job. */

import { outputFormatFor } from '../core/image/output-name.js';
import { formatFitProblem } from '../core/image/write-image.js';
import type { UpscaleFileRequest } from '../core/jobs/upscale-file.js';
import type { ItemOverride, PixelSize, Settings } from '../ipc/payloads.js';
import { templateWithExt } from '../shared/name-template.js';
import { describeTarget, toSizeSpec } from '../shared/size-choice.js';

/**
 * Output tile side for a target: small enough that the progress bar and ETA move about a dozen
 * times per image (progress is reported per tile), large enough that tile halos cost little.
 */
export function progressTileSide(width: number, height: number): number {
  return Math.min(1024, Math.max(192, Math.ceil(Math.sqrt((width * height) / 12))));
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

/**
 * A warning for the queue row when the item's output format cannot store its target size (WebP:
 * 16383 pixels per side), so the user changes the format before starting rather than after.
 */
export function targetWarning(
  input: string,
  target: PixelSize,
  override: ItemOverride | undefined,
  settings: Settings,
): string | undefined {
  const chosen = override?.format ?? settings.output.format;
  const format = outputFormatFor(input, chosen === 'same' ? undefined : chosen);
  const problem = formatFitProblem(format, target.width, target.height);
  return (
    problem && `too large for the output format: ${problem}; choose PNG, JPEG or TIFF, or a smaller size`
  );
}
