// The official Wechaty puppet-service server (wechaty-puppet-service) serving the official
// mock puppet (wechaty-puppet-mock), driven by tests/test_wechaty_official.py.
//
//   node server.mjs PORT TOKEN
// stdin, one JSON object a line:
//   {"say": TEXT, "from": CONTACT_ID, "room": ROOM_ID, "mention": [CONTACT_ID, ...]}
//   {"error": TEXT}            the puppet emits an error event (sent as {"gerror": ...})
//   {"error": TEXT, "say": …}  the error, then the message in the same tick
// stdout, one JSON object a line: {"ready": true}, {"sent": {...}} for what the bot sends.
import readline from 'node:readline'

import { PuppetServer } from 'wechaty-puppet-service'
import { PuppetMock, mock } from 'wechaty-puppet-mock'

const [port, token] = process.argv.slice(2)
const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')

const mocker = new mock.Mocker()
const bot = mocker.createContact({ id: 'wxid_bot', name: '法治台账' })
mocker.createContact({ id: 'wxid_zhang', name: '张三' })
mocker.createContact({ id: 'wxid_li', name: '李四' })
mocker.createRoom({
  id: '20001@chatroom',
  topic: '双土镇法治工作群',
  memberIdList: ['wxid_bot', 'wxid_zhang', 'wxid_li'],
  ownerId: 'wxid_zhang',
  adminIdList: [],
})
const puppet = new PuppetMock({ mocker })

// The client calls Stop then Start on every connect, and Stop logs the mock out.
const start = puppet.start.bind(puppet)
puppet.start = async () => {
  await start()
  mocker.login(bot)
}
// The mock ignores what is sent; record it for the test.
const sendText = puppet.messageSendText.bind(puppet)
puppet.messageSendText = async (conversationId, text, mentionIdList) => {
  out({ sent: { conversationId, text, mentionIdList: mentionIdList || [] } })
  return sendText(conversationId, text, mentionIdList)
}
const sendFile = puppet.messageSendFile.bind(puppet)
puppet.messageSendFile = async (conversationId, file) => {
  const data = await file.toBuffer()
  out({ sent: { conversationId, file: file.name, mediaType: file.mediaType, size: data.length, head: data.subarray(0, 8).toString('hex') } })
  return sendFile(conversationId, file)
}

function say (command) {
  const from = mocker.ContactMock.load(command.from)
  const mentions = (command.mention || []).map((id) => mocker.ContactMock.load(id))
  from.say(command.say, mentions).to(mocker.RoomMock.load(command.room))
}

const server = new PuppetServer({ endpoint: `127.0.0.1:${port}`, puppet, token, tls: { disable: true } })
await server.start()
out({ ready: true })

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line)
  if (command.error) {
    puppet.emit('error', new Error(command.error))
  }
  if (command.say) {
    say(command)
  }
}).on('close', async () => {
  await server.stop()
  process.exit(0)
})
