// English strings of the bot.
export const bot: Record<string, string> = {
};
