// The catalogue of platforms a customer can write from; other well-formed codes are accepted as written.

export const PLATFORMS: Record<string, string> = {
  allegro: 'Allegro', amazon: 'Amazon', ebay: 'eBay', olx: 'OLX', etsy: 'Etsy', kaufland: 'Kaufland',
  temu: 'Temu', erli: 'Erli', empik: 'Empik', shopee: 'Shopee', cdiscount: 'Cdiscount', shopify: 'Shopify',
  woocommerce: 'WooCommerce', prestashop: 'PrestaShop', magento: 'Magento', idosell: 'IdoSell',
  shoper: 'Shoper', bigcommerce: 'BigCommerce', baselinker: 'BaseLinker', facebook: 'Facebook',
  instagram: 'Instagram', whatsapp: 'WhatsApp', email: 'E-mail', sms: 'SMS',
};

export const PLATFORM_CODE = /^[a-z0-9][a-z0-9_-]{0,39}$/u;

/** Lower-cases a platform as typed ("Allegro" → "allegro"); null when it is not a usable code. */
export function normalizePlatform(raw: string): string | null {
  const code = raw.trim().toLowerCase();
  return PLATFORM_CODE.test(code) ? code : null;
}

export function platformName(code: string): string {
  return PLATFORMS[code] ?? code;
}
