// Worker processes and pool threads run TypeScript through tsx; resolved once, absolutely, so
// neither the cwd nor execArgv inheritance matters.
export const TSX_LOADER = import.meta.resolve('tsx');
