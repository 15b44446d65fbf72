import { Migration } from '@mikro-orm/migrations';

export class Migration20261125100122 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "sender_contact_idx" on "sender" ("contact_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "sender_contact_idx";`);
  }

}
