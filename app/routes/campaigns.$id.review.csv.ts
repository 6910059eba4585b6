import type { LoaderFunctionArgs } from "@remix-run/node";
import { reviewDownload } from "./campaigns.$id.review.export";

/** GET /campaigns/:id/review/csv[?days=N] — the review's figures as CSV (managers): the export's CSV. */
export const loader = (args: LoaderFunctionArgs) => reviewDownload(args, "csv");
