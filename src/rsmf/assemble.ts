import { ArchiverError } from '../errors.js';
import { rsmfFileName } from './file-name.js';
import { renderRsmfFile } from './eml.js';
import { rsmfManifestErrors } from './schema.js';
import { MANIFEST_NAME, type PlannedSlice } from './slices.js';
import { zipStored } from './zip.js';

/**
 * The .rsmf bytes of a planned slice, given the bytes of its attachments in the slice's file
 * order. Pure. The manifest is checked against Relativity's 2.0.0 schema first: an exporter
 * that wrote an invalid file would only be found out at the review platform.
 */
export function assembleSlice(slice: PlannedSlice, attachments: readonly Buffer[]): Buffer {
  const errors = rsmfManifestErrors(slice.built.manifest);
  if (errors.length) throw new ArchiverError('INTERNAL', `RSMF manifest for ${rsmfFileName(slice.header)} fails the 2.0.0 schema: ${errors.join('; ')}`);
  if (attachments.length !== slice.built.files.length) throw new ArchiverError('INTERNAL', `slice has ${slice.built.files.length} files, ${attachments.length} given`);
  const entries = [{ name: MANIFEST_NAME, data: slice.manifestJson }, ...slice.built.files.map((f, i) => ({ name: f.zipName, data: attachments[i]! }))];
  const bytes = renderRsmfFile(slice.built.manifest, slice.header, slice.body, zipStored(entries));
  if (bytes.length !== slice.size) throw new ArchiverError('INTERNAL', `RSMF size estimate ${slice.size} differs from the file's ${bytes.length} bytes`);
  return bytes;
}
