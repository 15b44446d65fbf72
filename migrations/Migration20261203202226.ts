import { Migration } from '@mikro-orm/migrations';

export class Migration20261203202226 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "workspace_setting" ("key" varchar(100) not null, "value" jsonb not null, "updated_at" timestamptz not null, "updated_by_name" varchar(200) not null, constraint "workspace_setting_pkey" primary key ("key"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "workspace_setting" cascade;`);
  }

}
